"""The automation condition of the unpartitioned tables that summarise every post date."""

import dagster as dg


def after_upstream_runs() -> dg.AutomationCondition:
    """Eager (run when any upstream table updates, not while one is in progress), minus its
    "no upstream partition missing" guard.

    The whole-history tables (sources, the timeline, trends) depend on every post
    date. A date that is registered but was never built (its run failed, or nobody
    launched it) is "missing", and plain eager would then hold these tables back
    forever; they should instead reflect every date that is built. Updates made
    by a run that already included the table itself (the sensor's and schedule's
    runs) do not trigger it again: eager's own rule.
    """
    return (
        dg.AutomationCondition.eager()
        .without(~dg.AutomationCondition.any_deps_missing())
        .with_label("after_upstream_runs")
    )
