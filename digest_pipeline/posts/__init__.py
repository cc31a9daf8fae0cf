"""Pure parsing of digest posts: no Dagster, no database, only text in and records out."""

from digest_pipeline.posts.front_matter import PostRejected, tag_key
from digest_pipeline.posts.links import normalize_url, registered_domain
from digest_pipeline.posts.parse import decode_post, parse_post
from digest_pipeline.posts.records import (
    CitedLink,
    NewsItem,
    NormalizedUrl,
    ParsedPost,
    PostIdentity,
    Section,
)

__all__ = [
    "CitedLink",
    "NewsItem",
    "NormalizedUrl",
    "ParsedPost",
    "PostIdentity",
    "PostRejected",
    "Section",
    "decode_post",
    "normalize_url",
    "parse_post",
    "registered_domain",
    "tag_key",
]
