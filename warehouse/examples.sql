-- Example analyst queries. Open the warehouse read-only:
--   duckdb -readonly warehouse/digest.duckdb < warehouse/examples.sql
-- or from Python: duckdb.connect('warehouse/digest.duckdb', read_only=True)

-- Posts per model and month.
SELECT model, date_trunc('month', post_date) AS month, count(*) AS posts
FROM posts GROUP BY ALL ORDER BY ALL;

-- Every news item that mentions a product, in time order.
SELECT post_date, model, headline FROM events
WHERE headline ILIKE '%Qwen-Image%' OR body ILIKE '%Qwen-Image%'
ORDER BY post_date, position;

-- Most cited domains.
SELECT domain, count(*) AS citations, count(DISTINCT post_id) AS posts
FROM post_sources GROUP BY domain ORDER BY citations DESC LIMIT 20;

-- URLs cited on more than one day.
SELECT url, cite_count, first_cited, last_cited FROM sources
WHERE first_cited < last_cited ORDER BY cite_count DESC;

-- Malformed citations, kept and flagged rather than dropped.
SELECT url, raw_url, url_problems FROM sources WHERE is_malformed;

-- Tags, grouped across spellings.
SELECT tag_key, list(DISTINCT tag) AS spellings, count(DISTINCT post_id) AS posts
FROM post_tags GROUP BY tag_key ORDER BY posts DESC;

-- What the scan did with every file, and why files were rejected.
SELECT status, count(*) FROM post_files GROUP BY status;
SELECT source_file, reason FROM ingest_rejects ORDER BY last_seen_at DESC;

-- Posts without a news section (ingested with zero events, flagged).
SELECT post_id, parse_warnings FROM posts WHERE NOT has_news_section;

-- The full text of every earlier version of re-published posts.
SELECT post_id, first_ingested_at, content FROM post_versions WHERE NOT is_current;
