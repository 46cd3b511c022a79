"""File store backends: a local directory (the default) and an S3-compatible object store.

Both store opaque objects under a random key (32 hex digits) chosen by the portal, never under a name
a user gave, so no upload can reach a path or overwrite another object. A backend only moves bytes:
what may be stored and who may read it is decided before it is called.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

KEY = re.compile(r"^[0-9a-f]{32}$")
CHUNK = 64 * 1024


class FileMissing(Exception):
    """The object of a key is not in the store."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY.match(key):
        raise ValueError(f"not a file store key: {key!r}")
    return key


class FileStore(Protocol):
    """What the portal asks of a backend."""

    name: str

    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        """Store ``data`` (read from its current position to its end) under ``key``."""

    def open(self, key: str) -> Iterator[bytes]:
        """The object's bytes in chunks; raises :class:`FileMissing` before the first chunk."""

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""

    def exists(self, key: str) -> bool: ...

    def keys(self) -> Iterator[str]:
        """Every key in the store (for ``files verify``)."""


class LocalStore:
    """Objects as files under one directory, in 256 subdirectories by the key's first two digits.
    A file is written beside its place and renamed into it, so a reader never sees half of one."""

    name = "local"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := data.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise FileMissing(key) from exc

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
        return chunks()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for path in sorted(sub.iterdir()):
                    if KEY.match(path.name) and path.name[:2] == sub.name:
                        yield path.name


class S3Store:
    """Objects in a bucket of any S3-compatible store (AWS S3, MinIO, Ceph, Alibaba OSS, Tencent COS …),
    under a prefix, through boto3. Several app machines share it, so any of them serves any document."""

    name = "s3"

    def __init__(self, client, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        self.client.upload_fileobj(data, self.bucket, self._name(key), ExtraArgs={"ContentType": content_type})

    def open(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise FileMissing(key) from exc
            raise

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()
        return chunks()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                key = item["Key"][len(self.prefix):]
                if KEY.match(key):  # anything else under the prefix is not the portal's
                    yield key


def make_store(config) -> FileStore:
    """The backend the settings name: ``FILES_BACKEND`` = ``local`` (``FILES_DIR``) or ``s3``."""
    backend = config.get("FILES_BACKEND", "local")
    if backend == "local":
        return LocalStore(config["FILES_DIR"])
    if backend == "s3":
        if not config.get("FILES_S3_BUCKET"):
            raise RuntimeError("PORTAL_FILES_BACKEND=s3 needs PORTAL_FILES_S3_BUCKET")
        import boto3
        from botocore.config import Config as BotoConfig

        client = boto3.client(
            "s3", endpoint_url=config.get("FILES_S3_ENDPOINT_URL") or None,
            region_name=config.get("FILES_S3_REGION") or None,
            aws_access_key_id=config.get("FILES_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("FILES_S3_SECRET_ACCESS_KEY") or None,
            config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30))
        return S3Store(client, config["FILES_S3_BUCKET"], config.get("FILES_S3_PREFIX") or "")
    raise RuntimeError(f"PORTAL_FILES_BACKEND must be local or s3, not {backend!r}")
