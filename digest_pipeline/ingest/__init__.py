"""Reading the posts folder: which files there are, their bytes, hashes and identities."""

from digest_pipeline.ingest.files import FolderListing, ScannedFile, list_posts_folder, scan_posts_folder

__all__ = ["FolderListing", "ScannedFile", "list_posts_folder", "scan_posts_folder"]
