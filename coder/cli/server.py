"""``qcoder app``: the Streamlit app, on any OS, without ``make`` (see :mod:`coder.serve`)."""


import sys
from typing import Annotated

import typer

from coder.cli.common import app, db_url, err, friendly

PORT = 8501  # as coder.serve.DEFAULT_PORT (a test holds them equal): --help need not import the server


@app.command("app")
@friendly
def serve_app(
    port: Annotated[int, typer.Option(help="端口 / port to serve on")] = PORT,
    database: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="数据库 URL（默认 QCODER_DB_URL 或 sqlite:///db/qcoder.sqlite）/ database URL (default QCODER_DB_URL "
            "or sqlite:///db/qcoder.sqlite)",
        ),
    ] = None,
) -> None:
    """打开应用；数据库为空时先建立演示项目；Ctrl-C 停止 / open the app (the demo project is built into an empty
    database first); Ctrl-C stops it."""
    from coder import serve

    url = database or db_url()
    serve.check_port(port)
    with typer.progressbar(length=100, label="准备 / preparing", file=sys.stderr) as bar:

        def progress(message: str, done: float) -> None:
            bar.label = message
            bar.update(round(done * 100) - bar.pos)

        warnings = serve.prepare(url, progress)
        bar.update(100 - bar.pos)
    for warning in warnings:
        err.print(f"注意 / warning: {warning}")
    err.print(f"应用地址 / the app is at http://localhost:{port}  （Ctrl-C 停止 / to stop）")
    raise typer.Exit(serve.run(port, url))
