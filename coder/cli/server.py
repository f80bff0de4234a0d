"""``qcoder app``: the Streamlit app, on any OS, without ``make`` (see :mod:`coder.serve`)."""

import sys
from typing import Annotated

import typer

from coder.cli.common import app, db_url, err, friendly, use_database

# As coder.serve's DEFAULT_PORT and DEFAULT_ADDRESS (a test holds them equal): --help need not import the server.
PORT, ADDRESS = 8501, "127.0.0.1"


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
    address: Annotated[
        str,
        typer.Option(
            help="监听地址：默认只有本机可访问；团队服务器用 0.0.0.0 / address to listen on: only this computer by "
            "default; 0.0.0.0 for a team server (team mode asks for a login)"
        ),
    ] = ADDRESS,
) -> None:
    """打开应用；数据库为空时先建立演示项目；Ctrl-C 停止 / open the app (the demo project is built into an empty
    database first); Ctrl-C stops it."""
    from coder import serve

    use_database(database)
    url = db_url()
    serve.check_port(port, address)
    with typer.progressbar(length=100, label="准备 / preparing", file=sys.stderr) as bar:

        def progress(message: str, done: float) -> None:
            bar.label = message
            bar.update(round(done * 100) - bar.pos)

        warnings = serve.prepare(url, progress)
        bar.update(100 - bar.pos)
    for warning in warnings:
        err.print(f"注意 / warning: {warning}")
    shown = (
        "localhost" if address in ("127.0.0.1", "localhost", "::1") else f"[{address}]" if ":" in address else address
    )
    err.print(f"应用地址 / the app is at http://{shown}:{port}  （Ctrl-C 停止 / to stop）")
    raise typer.Exit(serve.run(port, url, address))
