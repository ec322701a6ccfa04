"""Zip archives in the raw folder, opened as NHS England and ODS publish them.

Each member is copied out to the build's work folder in 1 MB pieces (a 100 MB registrations file
never sits in memory) and is then recognised by its header like a loose file. Messages, dq_load_log
and dq_rejected_rows name it `archive.zip!folder/member.csv`. An archive that cannot be opened, or a
member that cannot be read out of it (bad checksum, cut short, encrypted, a compression method
Python lacks), stops the build with that name: skipping it would silently lose a source.
Zips inside zips are listed, not opened: no publisher nests them, and opening them invites zip bombs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from etl.errors import SourceError

SUFFIX = ".zip"
PIECE = 1024 * 1024


@dataclass
class Expanded:
    members: list[tuple[Path, str]] = field(default_factory=list)  # (copy in the work folder, name shown)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (name shown, why)
    errors: list[SourceError] = field(default_factory=list)
    nothing_usable: str = ""  # why the archive gave no data file at all


def is_zip(path: Path) -> bool:
    return path.suffix.lower() == SUFFIX


def member_name(archive: str, member: str) -> str:
    return f"{archive}!{member}"


def expand(path: Path, name: str, work_dir: Path, is_data_file) -> Expanded:
    """Copy the data members of one archive into work_dir; `name` is the archive as users see it."""
    result = Expanded()
    target_dir = work_dir / "unzipped"
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        result.errors.append(SourceError(
            name, f"cannot be opened as a zip archive ({error})",
            expected="a complete zip archive as published (download it again if it was cut short)"))
        return result
    except OSError as error:
        result.errors.append(SourceError(name, f"cannot be read ({error.strerror or error})"))
        return result
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir() and not _hidden(info.filename)]
        for info in infos:
            shown = member_name(name, info.filename)
            if is_zip(PurePosixPath(info.filename)):
                result.ignored.append((shown, "a zip inside a zip is not opened (unzip it into the raw folder)"))
                continue
            if not is_data_file(PurePosixPath(info.filename)):
                suffix = PurePosixPath(info.filename).suffix
                result.ignored.append((shown, f"not a data file ({suffix or 'no extension'}); ignored"))
                continue
            target_dir.mkdir(parents=True, exist_ok=True)
            # A flat, made-up name: member paths may hold '..' or names this filesystem refuses.
            handle, copy_name = tempfile.mkstemp(suffix=PurePosixPath(info.filename).suffix.lower(), dir=target_dir)
            os.close(handle)
            copy = Path(copy_name)
            try:
                with archive.open(info) as source, copy.open("wb") as out:
                    shutil.copyfileobj(source, out, PIECE)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                copy.unlink(missing_ok=True)
                result.errors.append(SourceError(
                    shown, f"cannot be read from the archive ({error})",
                    expected="an undamaged archive (download it again)"))
                continue
            except NotImplementedError as error:
                copy.unlink(missing_ok=True)
                result.errors.append(SourceError(
                    shown, f"cannot be read from the archive ({error}: compression type {info.compress_type})",
                    expected="a zip made with ordinary deflate compression, or the file unzipped into the raw folder"))
                continue
            except RuntimeError:  # zipfile's word for an encrypted member (its message shows a repr)
                copy.unlink(missing_ok=True)
                result.errors.append(SourceError(
                    shown, "cannot be read from the archive (it is encrypted: a password is needed)",
                    expected="an archive without a password, or the file unzipped into the raw folder"))
                continue
            result.members.append((copy, shown))
        if not infos:
            result.nothing_usable = "zip archive with no files in it"
        elif not result.members and not result.errors:
            held = ", ".join(info.filename for info in infos[:5]) + (", ..." if len(infos) > 5 else "")
            result.nothing_usable = f"zip archive with no data file in it (it holds {held})"
    return result


def _hidden(member: str) -> bool:
    parts = PurePosixPath(member).parts
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)
