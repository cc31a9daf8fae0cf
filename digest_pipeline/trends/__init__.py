"""Pure trend logic: which names an item mentions, the rising rule, and the charts."""
