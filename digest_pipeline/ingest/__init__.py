"""Reading the posts folder: which files there are, their bytes, hashes and identities."""

from digest_pipeline.ingest.files import ScannedFile, scan_posts_folder

__all__ = ["ScannedFile", "scan_posts_folder"]
