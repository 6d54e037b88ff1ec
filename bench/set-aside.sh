#!/bin/sh
# Between benchmark runs: moves each PATH that exists into a new directory
# under TRASH instead of deleting it; the benchmark deletes TRASH at the end.
#
#   sh bench/set-aside.sh TRASH PATH...
#
# Why not rm -rf: on ext4 without a journal (the disk of the machines here)
# the inode allocator passes over every inode freed in the last 60 s -- 360 s
# while its inode table block is dirty -- each time it allocates an inode in
# that block group (recently_deleted() in fs/ext4/ialloc.c). Deleting an env
# (or 100 installed packages) before every run makes every file the next run
# creates cost a scan over all of them, more with each run, for cvenv and
# for venv or pip alike: the benchmark would time its own deletions.
set -eu
trash=$1
shift
mkdir -p "$trash"
dir=
for p in "$@"; do
	if [ -e "$p" ] || [ -L "$p" ]; then
		[ -n "$dir" ] || dir=$(mktemp -d "$trash/run.XXXXXX")
		mv "$p" "$dir/"
	fi
done
