"""Reading the posts folder: which files there are, their bytes, hashes and identities."""

from digest_pipeline.ingest.files import ScannedFile, iter_scan_posts_folder, scan_posts_folder

__all__ = ["ScannedFile", "iter_scan_posts_folder", "scan_posts_folder"]
