"""The one partitioning of the warehouse: a post's date.

Dynamic rather than a fixed daily range, so that any date a post carries
(years back, or tomorrow) is a partition: the scan registers each date it
finds, and nothing is dropped for falling outside a configured window.
"""

import dagster as dg

POST_DATES_PARTITION = "post_dates"

post_dates = dg.DynamicPartitionsDefinition(name=POST_DATES_PARTITION)
