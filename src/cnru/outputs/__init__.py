"""The outputs: the build with its guarded replace (`build.py`, `output.py`), the database and its
scripts, the files (Parquet, CSV, Excel, FollowTheMoney, Croissant), the page (`page.py`,
`templates/`, `sql/explorer.sql`), the release and the query command."""
