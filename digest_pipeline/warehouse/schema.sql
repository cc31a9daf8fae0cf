-- The warehouse schema: every table analysts rely on, with a COMMENT on each
-- table and column (see ../shared/CONTRACT.md). Applied idempotently on every
-- run, so new tables and comments reach existing warehouse files.
--
-- Long free text (post content, section and item bodies, link titles, summaries)
-- is stored `USING COMPRESSION zstd`: DuckDB's default for strings kept a
-- 100k-post warehouse at 1.3 GB, half of it in these columns, and the whole file
-- is copied on every publish. ZSTD holds them in a fifth to a half of the space
-- and writes them faster; a full scan of post_versions.content reads 0.30 s
-- instead of 0.16 s. A file created before this keeps its tables' compression
-- until it is rebuilt (`make clean && make run`).

CREATE TABLE IF NOT EXISTS post_files (
    source_file     VARCHAR NOT NULL,
    content_sha256  VARCHAR NOT NULL,
    size_bytes      BIGINT NOT NULL,
    status          VARCHAR NOT NULL,
    post_id         VARCHAR,
    reason          VARCHAR,
    scanned_at      TIMESTAMP NOT NULL,
    mtime_ns        BIGINT
);
-- Warehouses built before the scan skipped unchanged files lack the column.
ALTER TABLE post_files ADD COLUMN IF NOT EXISTS mtime_ns BIGINT;
COMMENT ON TABLE post_files IS 'One row per file found in the posts folder by the latest scan, with what became of it: current post, superseded version or reject.';
COMMENT ON COLUMN post_files.source_file IS 'Path of the file relative to the posts folder.';
COMMENT ON COLUMN post_files.content_sha256 IS 'SHA-256 of the file bytes, hex.';
COMMENT ON COLUMN post_files.size_bytes IS 'File size in bytes.';
COMMENT ON COLUMN post_files.status IS 'current (its content is the post in posts), superseded (another file or newer content is current) or rejected (see ingest_rejects).';
COMMENT ON COLUMN post_files.post_id IS 'The post the file claims (model-date); NULL for rejects.';
COMMENT ON COLUMN post_files.reason IS 'Why the file is superseded or rejected; NULL for current posts.';
COMMENT ON COLUMN post_files.scanned_at IS 'When the scan that saw this file ran (UTC).';
COMMENT ON COLUMN post_files.mtime_ns IS 'Modification time of the file when it was last read (ns since the epoch); with size_bytes, how a scan knows a file is unchanged without reading it.';

CREATE TABLE IF NOT EXISTS post_versions (
    post_id            VARCHAR NOT NULL,
    content_sha256     VARCHAR NOT NULL,
    model              VARCHAR NOT NULL,
    post_date          DATE NOT NULL,
    source_file        VARCHAR NOT NULL,
    identity_source    VARCHAR NOT NULL,
    first_ingested_at  TIMESTAMP NOT NULL,
    last_seen_at       TIMESTAMP NOT NULL,
    is_current         BOOLEAN NOT NULL,
    content            VARCHAR USING COMPRESSION zstd NOT NULL,
    front_matter       JSON USING COMPRESSION zstd,
    PRIMARY KEY (post_id, content_sha256)
);
-- Warehouses scanned before the scan kept the front matter lack the column (their
-- versions are parsed from the YAML again, as before).
ALTER TABLE post_versions ADD COLUMN IF NOT EXISTS front_matter JSON;
COMMENT ON TABLE post_versions IS 'Every distinct content ever ingested for a post; the old versions of a re-published post stay here, queryable, with their full text.';
COMMENT ON COLUMN post_versions.post_id IS 'The post: model-date, e.g. qwen-2026-01-12.';
COMMENT ON COLUMN post_versions.content_sha256 IS 'SHA-256 of the file bytes of this version, hex.';
COMMENT ON COLUMN post_versions.model IS 'Model the digest is about, normalised to lower case (qwen, gpt, gemini...).';
COMMENT ON COLUMN post_versions.post_date IS 'The date of the post, from its front matter.';
COMMENT ON COLUMN post_versions.source_file IS 'Path (relative to the posts folder) where this content was last seen.';
COMMENT ON COLUMN post_versions.identity_source IS 'front_matter, or which fallback (file name, title) supplied the model or date.';
COMMENT ON COLUMN post_versions.first_ingested_at IS 'When this content was first ingested (UTC); the newest content of a post is its current version.';
COMMENT ON COLUMN post_versions.last_seen_at IS 'When a scan last found this content in the posts folder (UTC).';
COMMENT ON COLUMN post_versions.is_current IS 'True for the one version of each post whose content fills the current tables.';
COMMENT ON COLUMN post_versions.content IS 'The full text of this version (UTF-8, LF line ends), so superseded content can still be read and re-parsed.';
COMMENT ON COLUMN post_versions.front_matter IS 'The front matter as the scan read it (JSON), so parsing the version does not read its YAML again; NULL for versions scanned before it was kept.';

CREATE TABLE IF NOT EXISTS ingest_rejects (
    source_file     VARCHAR NOT NULL,
    content_sha256  VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL,
    size_bytes      BIGINT NOT NULL,
    seen_at         TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (source_file, content_sha256)
);
COMMENT ON TABLE ingest_rejects IS 'One row per input that could not be ingested as a post, with the reason; nothing is dropped silently.';
COMMENT ON COLUMN ingest_rejects.source_file IS 'Path of the rejected file relative to the posts folder.';
COMMENT ON COLUMN ingest_rejects.content_sha256 IS 'SHA-256 of the rejected bytes, hex (of the path for files that could not be read).';
COMMENT ON COLUMN ingest_rejects.reason IS 'Why the file was rejected, in plain words.';
COMMENT ON COLUMN ingest_rejects.size_bytes IS 'File size in bytes.';
COMMENT ON COLUMN ingest_rejects.seen_at IS 'When this file content was first rejected (UTC).';
COMMENT ON COLUMN ingest_rejects.last_seen_at IS 'When a scan last found this rejected content (UTC).';

CREATE TABLE IF NOT EXISTS posts (
    post_id          VARCHAR PRIMARY KEY,
    model            VARCHAR NOT NULL,
    post_date        DATE NOT NULL,
    title            VARCHAR,
    tagline          VARCHAR,
    ai_summary       VARCHAR USING COMPRESSION zstd,
    trend_summary    VARCHAR USING COMPRESSION zstd,
    layout           VARCHAR,
    image            VARCHAR,
    categories       VARCHAR[],
    front_matter     JSON USING COMPRESSION zstd,
    source_file      VARCHAR NOT NULL,
    content_sha256   VARCHAR NOT NULL,
    identity_source  VARCHAR NOT NULL,
    item_count       INTEGER NOT NULL,
    source_count     INTEGER NOT NULL,
    key_point_count  INTEGER NOT NULL,
    has_news_section BOOLEAN NOT NULL,
    parse_warnings   VARCHAR[]
);
COMMENT ON TABLE posts IS 'One row per current post (the newest content of each model and date).';
COMMENT ON COLUMN posts.post_id IS 'Stable key: model-date, e.g. qwen-2026-01-12.';
COMMENT ON COLUMN posts.model IS 'Model the digest is about, normalised to lower case.';
COMMENT ON COLUMN posts.post_date IS 'Date of the post from its front matter; the daily partition key.';
COMMENT ON COLUMN posts.title IS 'Front matter title as written.';
COMMENT ON COLUMN posts.tagline IS 'Front matter tagline as written, e.g. 彙整 10 則 QWEN 相關新聞.';
COMMENT ON COLUMN posts.ai_summary IS 'Front matter ai_summary; NULL when the post has none.';
COMMENT ON COLUMN posts.trend_summary IS 'Body of the trend section (本週模型趨勢 or its equivalent); NULL when absent.';
COMMENT ON COLUMN posts.layout IS 'Front matter layout as written.';
COMMENT ON COLUMN posts.image IS 'Front matter image as written (may be a bare / or a protocol-relative path); mappings as JSON.';
COMMENT ON COLUMN posts.categories IS 'Front matter categories as written.';
COMMENT ON COLUMN posts.front_matter IS 'The whole front matter as JSON, including keys no column holds.';
COMMENT ON COLUMN posts.source_file IS 'Path (relative to the posts folder) of the file holding the current content.';
COMMENT ON COLUMN posts.content_sha256 IS 'SHA-256 of the current content; joins to post_versions.';
COMMENT ON COLUMN posts.identity_source IS 'front_matter, or which fallback (file name, title) supplied the model or date.';
COMMENT ON COLUMN posts.item_count IS 'Number of news items the parser found in the news section; equals the post''s rows in events.';
COMMENT ON COLUMN posts.source_count IS 'Number of cited links; equals the post''s rows in post_sources.';
COMMENT ON COLUMN posts.key_point_count IS 'Number of key points; equals the post''s rows in key_points.';
COMMENT ON COLUMN posts.has_news_section IS 'False for a post without a news section (ingested with zero events and flagged).';
COMMENT ON COLUMN posts.parse_warnings IS 'What the parser noticed but tolerated, e.g. no news section.';

CREATE TABLE IF NOT EXISTS post_sections (
    post_id    VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    heading    VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    body       VARCHAR USING COMPRESSION zstd NOT NULL,
    PRIMARY KEY (post_id, position)
);
COMMENT ON TABLE post_sections IS 'Every section of every current post, whole, so analysis, outlook and any unknown section stay queryable.';
COMMENT ON COLUMN post_sections.post_id IS 'The post (posts.post_id).';
COMMENT ON COLUMN post_sections.position IS 'Order in the post; 0 is text before the first heading.';
COMMENT ON COLUMN post_sections.heading IS 'Heading as written (emoji included), without the hashes; empty for the preamble.';
COMMENT ON COLUMN post_sections.kind IS 'trend, news, analysis, key_points, outlook, sources, preamble or other, read from the heading words.';
COMMENT ON COLUMN post_sections.body IS 'The section''s markdown as written.';

CREATE TABLE IF NOT EXISTS post_tags (
    post_id   VARCHAR NOT NULL,
    position  INTEGER NOT NULL,
    tag       VARCHAR NOT NULL,
    tag_key   VARCHAR NOT NULL,
    PRIMARY KEY (post_id, position)
);
COMMENT ON TABLE post_tags IS 'One row per tag of each current post, in front matter order.';
COMMENT ON COLUMN post_tags.post_id IS 'The post (posts.post_id).';
COMMENT ON COLUMN post_tags.position IS '1-based order of the tag in the front matter.';
COMMENT ON COLUMN post_tags.tag IS 'The tag as written.';
COMMENT ON COLUMN post_tags.tag_key IS 'The tag normalised for grouping: NFKC, case-folded, trimmed (QWEN and Qwen share qwen).';

CREATE TABLE IF NOT EXISTS post_sources (
    post_id      VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    source_id    VARCHAR NOT NULL,
    post_date    DATE NOT NULL,
    title        VARCHAR USING COMPRESSION zstd NOT NULL,
    raw_url      VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    domain       VARCHAR NOT NULL,
    host         VARCHAR NOT NULL,
    url_problems VARCHAR[] NOT NULL,
    PRIMARY KEY (post_id, position)
);
COMMENT ON TABLE post_sources IS 'One row per link cited by a current post, in citation order.';
COMMENT ON COLUMN post_sources.post_id IS 'The citing post (posts.post_id).';
COMMENT ON COLUMN post_sources.position IS '1-based order of the link in the post: the sources section''s links first, as written, then every other link of the post (in items, headings, analysis) once, in document order.';
COMMENT ON COLUMN post_sources.source_id IS 'The cited source (sources.source_id): a hash of the canonical URL.';
COMMENT ON COLUMN post_sources.post_date IS 'Date of the citing post.';
COMMENT ON COLUMN post_sources.title IS 'Link text as written in this post (may contain brackets).';
COMMENT ON COLUMN post_sources.raw_url IS 'The URL exactly as written.';
COMMENT ON COLUMN post_sources.url IS 'Canonical URL: lower-case https scheme and host, no default port, fragment or tracking parameters.';
COMMENT ON COLUMN post_sources.domain IS 'Registered domain (eTLD+1) from the Public Suffix List, or the host when it has none.';
COMMENT ON COLUMN post_sources.host IS 'Host name of the canonical URL.';
COMMENT ON COLUMN post_sources.url_problems IS 'Why the URL is malformed (broken percent-escape, no scheme...); empty when well formed.';

CREATE TABLE IF NOT EXISTS sources (
    source_id     VARCHAR PRIMARY KEY,
    url           VARCHAR NOT NULL,
    raw_url       VARCHAR NOT NULL,
    domain        VARCHAR NOT NULL,
    host          VARCHAR NOT NULL,
    title         VARCHAR USING COMPRESSION zstd NOT NULL,
    cite_count    INTEGER NOT NULL,
    post_count    INTEGER NOT NULL,
    first_cited   DATE NOT NULL,
    last_cited    DATE NOT NULL,
    is_malformed  BOOLEAN NOT NULL,
    url_problems  VARCHAR[] NOT NULL
);
COMMENT ON TABLE sources IS 'One row per distinct cited URL (by canonical form) across all current posts.';
COMMENT ON COLUMN sources.source_id IS 'Stable key: first 16 hex digits of the SHA-256 of the canonical URL.';
COMMENT ON COLUMN sources.url IS 'Canonical URL.';
COMMENT ON COLUMN sources.raw_url IS 'The URL as first written (earliest citing post).';
COMMENT ON COLUMN sources.domain IS 'Registered domain (eTLD+1), e.g. aibase.com.';
COMMENT ON COLUMN sources.host IS 'Host name, e.g. news.aibase.com.';
COMMENT ON COLUMN sources.title IS 'Link text of the most recent citation.';
COMMENT ON COLUMN sources.cite_count IS 'Number of citations (post_sources rows) of this URL.';
COMMENT ON COLUMN sources.post_count IS 'Number of distinct posts citing this URL.';
COMMENT ON COLUMN sources.first_cited IS 'Date of the earliest post citing it.';
COMMENT ON COLUMN sources.last_cited IS 'Date of the latest post citing it.';
COMMENT ON COLUMN sources.is_malformed IS 'True when the URL could not be fully canonicalised; see url_problems.';
COMMENT ON COLUMN sources.url_problems IS 'What is wrong with the URL; empty when well formed.';

-- Bookkeeping, not for analysis: kept in its own schema so analysts' table lists stay clean.
CREATE SCHEMA IF NOT EXISTS pipeline;
CREATE TABLE IF NOT EXISTS pipeline.sources_pending (source_id VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS pipeline.sources_recounted (source_id VARCHAR);
COMMENT ON TABLE pipeline.sources_recounted IS 'The source ids the last refresh of sources recounted (one NULL row: it rebuilt the whole table); the orphan check of a run looks at their citations, the only ones whose source row the refresh could have removed.';
CREATE TABLE IF NOT EXISTS pipeline.trends_pending (table_name VARCHAR NOT NULL, post_date DATE NOT NULL);
CREATE TABLE IF NOT EXISTS pipeline.timeline_pending (post_date DATE NOT NULL);
CREATE TABLE IF NOT EXISTS pipeline.parsed_dates (post_date DATE PRIMARY KEY, parsed_with VARCHAR NOT NULL);
COMMENT ON TABLE pipeline.parsed_dates IS 'The parser version (PARSER_VERSION) each post date''s rows were last written with; a date written by another version (or before this table) is not built, and the next run parses it again.';
CREATE TABLE IF NOT EXISTS pipeline.scan_state (identified_with VARCHAR NOT NULL);
COMMENT ON TABLE pipeline.scan_state IS 'The identity rules version (IDENTITY_VERSION) the last scan identified files with; a scan under another version reads the rejected files again, since the new rules may accept them.';
CREATE TABLE IF NOT EXISTS pipeline.timeline_state (placed_with VARCHAR NOT NULL);
COMMENT ON TABLE pipeline.timeline_state IS 'The placement version (timeline code and configuration) the stored placements were made with; another version replays the whole timeline.';
ALTER TABLE pipeline.timeline_state ADD COLUMN IF NOT EXISTS replayed_from DATE;
COMMENT ON COLUMN pipeline.timeline_state.replayed_from IS 'The first date the latest placing run placed items from: the replay check replays from there (at most its last 14 days).';
COMMENT ON TABLE pipeline.timeline_pending IS 'Post dates rebuilt since the timeline last ran; only their items are compared with their placements to find where the replay starts, then they are forgotten.';
COMMENT ON TABLE pipeline.trends_pending IS 'Post dates rebuilt since each day-by-day trend table was last refreshed; the refresh recomputes that table from the earliest of them on, then forgets them.';
CREATE TABLE IF NOT EXISTS pipeline.trends_refreshed (table_name VARCHAR PRIMARY KEY, whole BOOLEAN NOT NULL, since DATE);
COMMENT ON TABLE pipeline.trends_refreshed IS 'What each trend table''s last refresh rewrote: the whole table (whole), its periods from since on, or nothing (neither). The trend checks scan only those rows: the rest passed them before and has not changed.';
CREATE TABLE IF NOT EXISTS pipeline.event_features (
    event_id VARCHAR PRIMARY KEY, post_date DATE NOT NULL, text_key VARCHAR NOT NULL,
    placed_with VARCHAR NOT NULL, features VARCHAR USING COMPRESSION zstd NOT NULL
);
COMMENT ON TABLE pipeline.event_features IS 'The timeline features (JSON) of the latest items, by item, digest of its words and placement version: the next run and the replay check read them instead of computing them again. Only the window and the replay days before the latest item are kept.';
CREATE TABLE IF NOT EXISTS pipeline.headline_embeddings (
    text_digest VARCHAR NOT NULL, model VARCHAR NOT NULL, embedding BLOB NOT NULL,
    PRIMARY KEY (text_digest, model)
);
COMMENT ON TABLE pipeline.headline_embeddings IS 'Sentence embeddings (float32 bytes) of headlines for the timeline''s semantic term, by digest of the text and the model: each headline is run through the model once, and every later run, replay or re-placing reads it back.';
CREATE TABLE IF NOT EXISTS pipeline.stories_refreshed (story_id VARCHAR NOT NULL);
COMMENT ON TABLE pipeline.stories_refreshed IS 'The stories the last placing run rewrote (joined, founded, lost or merged items); the story checks of a run look at these only, the only ones whose counts could move.';
CREATE TABLE IF NOT EXISTS pipeline.story_trends_pending (table_name VARCHAR NOT NULL, story_id VARCHAR NOT NULL);
COMMENT ON TABLE pipeline.story_trends_pending IS 'Stories the timeline rewrote since each trend table over the stories was last refreshed; the refresh redoes their days (or their rows), then forgets them.';
CREATE TABLE IF NOT EXISTS pipeline.story_trends_state (table_name VARCHAR PRIMARY KEY, first_post_date DATE, last_post_date DATE, models VARCHAR[]);
COMMENT ON TABLE pipeline.story_trends_state IS 'The calendar (first and last post date, models) each trend table over the stories was last refreshed over: a moved last date redoes the days it can change; another first date or set of models rebuilds the table.';
CREATE TABLE IF NOT EXISTS pipeline.schema_applied (digest VARCHAR NOT NULL);
COMMENT ON TABLE pipeline.schema_applied IS 'The digest of the schema.sql last applied: the next run skips re-applying the same schema.';
COMMENT ON TABLE pipeline.sources_pending IS 'Source ids whose citations changed (removed or added by a rebuilt post date) since sources was last refreshed; the refresh recounts only these, then empties it.';

CREATE TABLE IF NOT EXISTS events (
    event_id    VARCHAR PRIMARY KEY,
    post_id     VARCHAR NOT NULL,
    model       VARCHAR NOT NULL,
    post_date   DATE NOT NULL,
    position    INTEGER NOT NULL,
    headline    VARCHAR NOT NULL,
    body        VARCHAR USING COMPRESSION zstd NOT NULL,
    outlets     VARCHAR[] NOT NULL,
    list_style  VARCHAR NOT NULL
);
COMMENT ON TABLE events IS 'One row per news item of a current post: what a digest reported that day.';
COMMENT ON COLUMN events.event_id IS 'Stable key: post_id#position, e.g. qwen-2026-01-12#3.';
COMMENT ON COLUMN events.post_id IS 'The post (posts.post_id).';
COMMENT ON COLUMN events.model IS 'Model of the post.';
COMMENT ON COLUMN events.post_date IS 'Date of the post.';
COMMENT ON COLUMN events.position IS '1-based order in the post''s news section.';
COMMENT ON COLUMN events.headline IS 'The item''s headline, without list markers or bold.';
COMMENT ON COLUMN events.body IS 'The item''s text under its headline (empty if it has none).';
COMMENT ON COLUMN events.outlets IS 'Outlets named by inline attributions such as （來源：moomoo、udn）.';
COMMENT ON COLUMN events.list_style IS 'How the item was marked: numbered, bullet, heading, bold or paragraph.';
-- Added 2026-12-03; a warehouse made before gets it empty, and its dates are parsed again (parser version 3).
ALTER TABLE events ADD COLUMN IF NOT EXISTS cited_source_ids VARCHAR[] DEFAULT [];
COMMENT ON COLUMN events.cited_source_ids IS 'The links of the post this item reports (sources.source_id, in citation order): each link written in the item itself, and each link whose title this item''s text matches clearly best. Empty when none does.';

CREATE TABLE IF NOT EXISTS event_outlets (
    event_id   VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    outlet     VARCHAR NOT NULL,
    outlet_key VARCHAR NOT NULL,
    PRIMARY KEY (event_id, position)
);
COMMENT ON TABLE event_outlets IS 'One row per outlet named in a news item''s inline attribution.';
COMMENT ON COLUMN event_outlets.event_id IS 'The news item (events.event_id).';
COMMENT ON COLUMN event_outlets.position IS '1-based order in the attribution.';
COMMENT ON COLUMN event_outlets.outlet IS 'Outlet name as written, e.g. Yahoo Tech.';
COMMENT ON COLUMN event_outlets.outlet_key IS 'Outlet name normalised for grouping (NFKC, case-folded).';

CREATE TABLE IF NOT EXISTS event_entities (
    event_id    VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    entity_key  VARCHAR NOT NULL,
    post_date   DATE NOT NULL,
    model       VARCHAR NOT NULL,
    PRIMARY KEY (event_id, position)
);
COMMENT ON TABLE event_entities IS 'One row per product or organisation name a news item mentions (each name once per item), read by structure: Latin names with capitals, digits or hyphens, and Chinese names of well-known organisations in English. Lone generic words, host names and the item''s own outlets are left out.';
COMMENT ON COLUMN event_entities.event_id IS 'The news item (events.event_id).';
COMMENT ON COLUMN event_entities.position IS '1-based order of first mention in the item (headline, then body).';
COMMENT ON COLUMN event_entities.entity_key IS 'Canonical name: lower case, separators as one dash, version v dropped (GPT‑5.2 and gpt 5.2 are gpt-5.2; 谷歌 is google).';
COMMENT ON COLUMN event_entities.post_date IS 'Date of the item''s post.';
COMMENT ON COLUMN event_entities.model IS 'Model of the item''s post.';

CREATE TABLE IF NOT EXISTS key_points (
    post_id   VARCHAR NOT NULL,
    position  INTEGER NOT NULL,
    text      VARCHAR USING COMPRESSION zstd NOT NULL,
    PRIMARY KEY (post_id, position)
);
COMMENT ON TABLE key_points IS 'One row per entry of a current post''s key points section (重點摘要).';
COMMENT ON COLUMN key_points.post_id IS 'The post (posts.post_id).';
COMMENT ON COLUMN key_points.position IS '1-based order in the section.';
COMMENT ON COLUMN key_points.text IS 'The key point as written, without list markers.';

CREATE TABLE IF NOT EXISTS stories (
    story_id                 VARCHAR PRIMARY KEY,
    headline                 VARCHAR NOT NULL,
    first_seen               DATE NOT NULL,
    last_seen                DATE NOT NULL,
    days_seen                INTEGER NOT NULL,
    mention_count            INTEGER NOT NULL,
    post_count               INTEGER NOT NULL,
    models                   VARCHAR[] NOT NULL,
    outlets                  VARCHAR[] NOT NULL,
    source_domains           VARCHAR[] NOT NULL,
    founding_event_id        VARCHAR NOT NULL,
    representative_event_id  VARCHAR NOT NULL
);
COMMENT ON TABLE stories IS 'The deduplicated timeline: one row per real-world development, however many items and days reported it.';
COMMENT ON COLUMN stories.story_id IS 'Stable id: S<first date>-<hash of the founding item>. Never renamed by a later day; a story merged into an older one lives on in story_aliases.';
COMMENT ON COLUMN stories.headline IS 'The clearest headline among its items: the one most like all the others.';
COMMENT ON COLUMN stories.first_seen IS 'Date of the first post that reported it.';
COMMENT ON COLUMN stories.last_seen IS 'Date of the latest post that reported it.';
COMMENT ON COLUMN stories.days_seen IS 'Number of distinct dates on which it was reported.';
COMMENT ON COLUMN stories.mention_count IS 'Number of news items (events) that reported it.';
COMMENT ON COLUMN stories.post_count IS 'Number of distinct posts that reported it.';
COMMENT ON COLUMN stories.models IS 'Digests (models) that reported it, sorted.';
COMMENT ON COLUMN stories.outlets IS 'Outlets named in its items'' attributions, sorted and distinct.';
COMMENT ON COLUMN stories.source_domains IS 'Registered domains behind it: links inside its items, the sources its items cite (events.cited_source_ids), and the cited sources of its posts whose domain matches an outlet the item names.';
COMMENT ON COLUMN stories.founding_event_id IS 'The first item that reported it (its id derives from this).';
COMMENT ON COLUMN stories.representative_event_id IS 'The item whose headline is used as the story headline.';

CREATE TABLE IF NOT EXISTS story_events (
    event_id      VARCHAR PRIMARY KEY,
    story_id      VARCHAR NOT NULL,
    post_date     DATE NOT NULL,
    model         VARCHAR NOT NULL,
    join_score    DOUBLE,
    fingerprint   VARCHAR NOT NULL,
    placed_story_id VARCHAR
);
ALTER TABLE story_events ADD COLUMN IF NOT EXISTS placed_story_id VARCHAR;
COMMENT ON TABLE story_events IS 'Which story each news item belongs to: every event in exactly one story.';
COMMENT ON COLUMN story_events.event_id IS 'The news item (events.event_id).';
COMMENT ON COLUMN story_events.story_id IS 'Its story (stories.story_id).';
COMMENT ON COLUMN story_events.post_date IS 'Date of the item''s post.';
COMMENT ON COLUMN story_events.model IS 'Model of the item''s post.';
COMMENT ON COLUMN story_events.join_score IS 'How strongly the item matched its story when it joined (0-1 scale); NULL for the item that founded the story. An item placed by what it follows (a market reaction in its post, a postmortem, a follow-up saying how long ago: README) keeps its pair score with what it joined, often near 0.';
COMMENT ON COLUMN story_events.fingerprint IS 'Hash of the item text the placement was based on; a re-published item with other words is placed again.';
COMMENT ON COLUMN story_events.placed_story_id IS 'The story the item joined or founded on its day, before any later merge; with story_aliases.merged_into/merged_on a replay rebuilds the stories as they stood on any day.';

CREATE TABLE IF NOT EXISTS story_timeline (
    story_id   VARCHAR NOT NULL,
    post_date  DATE NOT NULL,
    mentions   INTEGER NOT NULL,
    models     VARCHAR[] NOT NULL,
    PRIMARY KEY (story_id, post_date)
);
COMMENT ON TABLE story_timeline IS 'Day-by-day view of each story: one row per story and date it was reported.';
COMMENT ON COLUMN story_timeline.story_id IS 'The story (stories.story_id).';
COMMENT ON COLUMN story_timeline.post_date IS 'A date on which the story was reported.';
COMMENT ON COLUMN story_timeline.mentions IS 'News items reporting the story that day.';
COMMENT ON COLUMN story_timeline.models IS 'Digests that reported it that day, sorted.';

CREATE TABLE IF NOT EXISTS story_aliases (
    alias_id     VARCHAR PRIMARY KEY,
    story_id     VARCHAR,
    reason       VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL,
    merged_into  VARCHAR,
    merged_on    DATE
);
ALTER TABLE story_aliases ADD COLUMN IF NOT EXISTS merged_into VARCHAR;
ALTER TABLE story_aliases ADD COLUMN IF NOT EXISTS merged_on DATE;
COMMENT ON TABLE story_aliases IS 'Story ids that no longer name a story of their own, and the story they now belong to: keep using an old id through this table.';
COMMENT ON COLUMN story_aliases.alias_id IS 'The retired story id.';
COMMENT ON COLUMN story_aliases.story_id IS 'The live story it resolves to (stories.story_id); NULL when all its items were withdrawn.';
COMMENT ON COLUMN story_aliases.reason IS 'merged (a later item showed it to be the same development as an older story), refounded (its first item was re-published or removed, so its items now sit under another id) or withdrawn (none of its items remain).';
COMMENT ON COLUMN story_aliases.recorded_at IS 'When the alias was recorded (UTC).';
COMMENT ON COLUMN story_aliases.merged_into IS 'For a merge: the story it merged into on that day (story_id follows any later merge to the live story).';
COMMENT ON COLUMN story_aliases.merged_on IS 'For a merge: the post date of the item that showed the two stories to be one.';

-- Trend tables: rebuilt whole from the tables above after every run (cheap set
-- work in SQL), one grain each. No PRIMARY KEY: the GROUP BY that builds each
-- table makes its key unique (checked by the unique_keys asset check), and an
-- index on millions of rebuilt rows would cost more than the rebuild itself.
-- Periods are calendar days or ISO weeks (Monday to Sunday) between the first
-- and the last post date.

CREATE TABLE IF NOT EXISTS trend_tags_daily (
    post_date   DATE NOT NULL,
    tag_key     VARCHAR NOT NULL,
    tag         VARCHAR NOT NULL,
    posts       INTEGER NOT NULL,
    share       DOUBLE NOT NULL,
    rank        INTEGER,
    prev_posts  INTEGER NOT NULL,
    change      INTEGER NOT NULL,
    rising      BOOLEAN NOT NULL
);
COMMENT ON TABLE trend_tags_daily IS 'Tags per day: one row per day and tag that was used that day or the day before (a tag that disappears shows one row with posts = 0).';
COMMENT ON COLUMN trend_tags_daily.post_date IS 'The day.';
COMMENT ON COLUMN trend_tags_daily.tag_key IS 'The tag, normalised for grouping (post_tags.tag_key).';
COMMENT ON COLUMN trend_tags_daily.tag IS 'The tag''s most common spelling over all posts.';
COMMENT ON COLUMN trend_tags_daily.posts IS 'Posts of that day carrying the tag.';
COMMENT ON COLUMN trend_tags_daily.share IS 'posts / the day''s total of tag uses: the tag''s share of the day''s tagging, in [0, 1]; the shares of a day sum to 1.';
COMMENT ON COLUMN trend_tags_daily.rank IS 'Rank by posts within the day, ties sharing a rank (1, 1, 3); NULL when posts = 0.';
COMMENT ON COLUMN trend_tags_daily.prev_posts IS 'Posts carrying the tag on the previous calendar day (0 if none).';
COMMENT ON COLUMN trend_tags_daily.change IS 'posts - prev_posts.';
COMMENT ON COLUMN trend_tags_daily.rising IS 'Rising rule: posts >= 2, posts > prev_posts and posts >= 1.5 x prev_posts.';

CREATE TABLE IF NOT EXISTS trend_tags_weekly (
    week_start  DATE NOT NULL,
    iso_week    VARCHAR NOT NULL,
    tag_key     VARCHAR NOT NULL,
    tag         VARCHAR NOT NULL,
    posts       INTEGER NOT NULL,
    share       DOUBLE NOT NULL,
    rank        INTEGER,
    prev_posts  INTEGER NOT NULL,
    change      INTEGER NOT NULL,
    rising      BOOLEAN NOT NULL
);
COMMENT ON TABLE trend_tags_weekly IS 'Tags per ISO week: one row per week and tag that was used that week or the week before (a tag that disappears shows one row with posts = 0).';
COMMENT ON COLUMN trend_tags_weekly.week_start IS 'Monday of the ISO week.';
COMMENT ON COLUMN trend_tags_weekly.iso_week IS 'The ISO week as text, e.g. 2025-W52.';
COMMENT ON COLUMN trend_tags_weekly.tag_key IS 'The tag, normalised for grouping (post_tags.tag_key).';
COMMENT ON COLUMN trend_tags_weekly.tag IS 'The tag''s most common spelling over all posts.';
COMMENT ON COLUMN trend_tags_weekly.posts IS 'Posts of that week carrying the tag.';
COMMENT ON COLUMN trend_tags_weekly.share IS 'posts / the week''s total of tag uses, in [0, 1]; the shares of a week sum to 1.';
COMMENT ON COLUMN trend_tags_weekly.rank IS 'Rank by posts within the week, ties sharing a rank (1, 1, 3); NULL when posts = 0.';
COMMENT ON COLUMN trend_tags_weekly.prev_posts IS 'Posts carrying the tag in the previous ISO week (0 if none).';
COMMENT ON COLUMN trend_tags_weekly.change IS 'posts - prev_posts.';
COMMENT ON COLUMN trend_tags_weekly.rising IS 'Rising rule: posts >= 2, posts > prev_posts and posts >= 1.5 x prev_posts.';

CREATE TABLE IF NOT EXISTS trend_entities_daily (
    post_date    DATE NOT NULL,
    entity_key   VARCHAR NOT NULL,
    mentions     INTEGER NOT NULL,
    models       INTEGER NOT NULL,
    mentions_7d  INTEGER NOT NULL,
    rank_7d      INTEGER NOT NULL
);
COMMENT ON TABLE trend_entities_daily IS 'Product and organisation names per day with a 7-day rolling count: one row per name and day from each day it is mentioned through the 6 days after (clipped at the last post date), so every day whose rolling count is positive has its row.';
COMMENT ON COLUMN trend_entities_daily.post_date IS 'The day.';
COMMENT ON COLUMN trend_entities_daily.entity_key IS 'Canonical name (event_entities.entity_key), e.g. gpt-5.2, google.';
COMMENT ON COLUMN trend_entities_daily.mentions IS 'News items of that day that mention the name.';
COMMENT ON COLUMN trend_entities_daily.models IS 'Distinct model digests that mentioned the name that day.';
COMMENT ON COLUMN trend_entities_daily.mentions_7d IS 'Items mentioning the name in the 7 days ending on this day.';
COMMENT ON COLUMN trend_entities_daily.rank_7d IS 'Rank by mentions_7d within the day, ties sharing a rank.';

CREATE TABLE IF NOT EXISTS trend_stories_daily (
    post_date           DATE NOT NULL,
    model               VARCHAR NOT NULL,
    posted              BOOLEAN NOT NULL,
    items               INTEGER NOT NULL,
    stories             INTEGER NOT NULL,
    new_stories         INTEGER NOT NULL,
    continuing_stories  INTEGER NOT NULL,
    ended_stories       INTEGER NOT NULL
);
COMMENT ON TABLE trend_stories_daily IS 'Story activity per day and model digest: every day between the first and last post date for every model (zeros where the model did not post), so the series has no gaps.';
COMMENT ON COLUMN trend_stories_daily.post_date IS 'The day.';
COMMENT ON COLUMN trend_stories_daily.model IS 'The model digest.';
COMMENT ON COLUMN trend_stories_daily.posted IS 'Whether the model published a post that day.';
COMMENT ON COLUMN trend_stories_daily.items IS 'News items the model published that day.';
COMMENT ON COLUMN trend_stories_daily.stories IS 'Distinct stories those items belong to (new_stories + continuing_stories).';
COMMENT ON COLUMN trend_stories_daily.new_stories IS 'Stories the model reported that day that were first seen that day (by any model).';
COMMENT ON COLUMN trend_stories_daily.continuing_stories IS 'Stories the model reported that day that were first seen on an earlier day.';
COMMENT ON COLUMN trend_stories_daily.ended_stories IS 'Stories the model reported that day that were never reported again, and have been quiet for at least 7 days before the last post date (a story seen more recently may still continue).';

CREATE TABLE IF NOT EXISTS trend_story_lifespans (
    story_id          VARCHAR NOT NULL,
    headline          VARCHAR NOT NULL,
    first_seen        DATE NOT NULL,
    last_seen         DATE NOT NULL,
    lifespan_days     INTEGER NOT NULL,
    days_seen         INTEGER NOT NULL,
    mention_count     INTEGER NOT NULL,
    model_count       INTEGER NOT NULL,
    peak_date         DATE NOT NULL,
    peak_mentions     INTEGER NOT NULL,
    longest_gap_days  INTEGER NOT NULL,
    quiet_days        INTEGER NOT NULL,
    status            VARCHAR NOT NULL
);
COMMENT ON TABLE trend_story_lifespans IS 'How long each story ran: one row per story, with its peak day and whether it has ended.';
COMMENT ON COLUMN trend_story_lifespans.story_id IS 'The story (stories.story_id).';
COMMENT ON COLUMN trend_story_lifespans.headline IS 'The story''s representative headline.';
COMMENT ON COLUMN trend_story_lifespans.first_seen IS 'First day the story was reported.';
COMMENT ON COLUMN trend_story_lifespans.last_seen IS 'Last day the story was reported.';
COMMENT ON COLUMN trend_story_lifespans.lifespan_days IS 'last_seen - first_seen + 1: calendar days from first to last report.';
COMMENT ON COLUMN trend_story_lifespans.days_seen IS 'Days on which the story was reported.';
COMMENT ON COLUMN trend_story_lifespans.mention_count IS 'News items in the story.';
COMMENT ON COLUMN trend_story_lifespans.model_count IS 'Distinct model digests that reported the story.';
COMMENT ON COLUMN trend_story_lifespans.peak_date IS 'The day with the most items of the story (the earliest such day on a tie).';
COMMENT ON COLUMN trend_story_lifespans.peak_mentions IS 'Items of the story on its peak day.';
COMMENT ON COLUMN trend_story_lifespans.longest_gap_days IS 'Longest run of days without a report between two reports (0 if reported on consecutive days or once).';
COMMENT ON COLUMN trend_story_lifespans.quiet_days IS 'Days from last_seen to the last post date in the warehouse.';
COMMENT ON COLUMN trend_story_lifespans.status IS 'ended when quiet for at least 7 days, else active.';

CREATE TABLE IF NOT EXISTS trend_domains_weekly (
    week_start        DATE NOT NULL,
    iso_week          VARCHAR NOT NULL,
    domain            VARCHAR NOT NULL,
    citations         INTEGER NOT NULL,
    posts             INTEGER NOT NULL,
    share             DOUBLE NOT NULL,
    rank              INTEGER,
    prev_citations    INTEGER NOT NULL,
    change            INTEGER NOT NULL
);
COMMENT ON TABLE trend_domains_weekly IS 'Cited source domains per ISO week: one row per week and domain cited that week or the week before (0 citations when it disappears).';
COMMENT ON COLUMN trend_domains_weekly.week_start IS 'Monday of the ISO week.';
COMMENT ON COLUMN trend_domains_weekly.iso_week IS 'The ISO week as text, e.g. 2025-W52.';
COMMENT ON COLUMN trend_domains_weekly.domain IS 'Registered domain of the cited URL (post_sources.domain), e.g. aibase.com.';
COMMENT ON COLUMN trend_domains_weekly.citations IS 'Links to the domain in the week''s posts.';
COMMENT ON COLUMN trend_domains_weekly.posts IS 'Posts of the week citing the domain at least once.';
COMMENT ON COLUMN trend_domains_weekly.share IS 'citations / all citations of the week, in [0, 1]; the shares of a week sum to 1.';
COMMENT ON COLUMN trend_domains_weekly.rank IS 'Rank by citations within the week, ties sharing a rank; NULL when citations = 0.';
COMMENT ON COLUMN trend_domains_weekly.prev_citations IS 'Citations of the domain in the previous ISO week (0 if none).';
COMMENT ON COLUMN trend_domains_weekly.change IS 'citations - prev_citations.';

CREATE TABLE IF NOT EXISTS trend_models_weekly (
    week_start    DATE NOT NULL,
    iso_week      VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    posts         INTEGER NOT NULL,
    items         INTEGER NOT NULL,
    citations     INTEGER NOT NULL,
    stories       INTEGER NOT NULL,
    new_stories   INTEGER NOT NULL,
    post_share    DOUBLE NOT NULL
);
COMMENT ON TABLE trend_models_weekly IS 'Activity of each model digest per ISO week: every week between the first and last post date for every model (zeros where it was silent), so the series has no gaps.';
COMMENT ON COLUMN trend_models_weekly.week_start IS 'Monday of the ISO week.';
COMMENT ON COLUMN trend_models_weekly.iso_week IS 'The ISO week as text, e.g. 2025-W52.';
COMMENT ON COLUMN trend_models_weekly.model IS 'The model digest.';
COMMENT ON COLUMN trend_models_weekly.posts IS 'Posts the model published that week.';
COMMENT ON COLUMN trend_models_weekly.items IS 'News items in those posts.';
COMMENT ON COLUMN trend_models_weekly.citations IS 'Links cited by those posts.';
COMMENT ON COLUMN trend_models_weekly.stories IS 'Distinct stories the model reported that week.';
COMMENT ON COLUMN trend_models_weekly.new_stories IS 'Of those, stories first seen (by any model) that week.';
COMMENT ON COLUMN trend_models_weekly.post_share IS 'posts / all posts of the week, in [0, 1]; the shares of a week sum to 1.';
