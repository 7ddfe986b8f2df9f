"""A TCP proxy that adds a fixed latency to every round trip (loopback only, no root needed).

Every chunk the server sends is held for ``delay`` seconds before it is passed
on, in order, so each request/response round trip pays ``delay`` once, as on a
network that is that far away. Runs as its own process:

    python -m benchmarks.proxy TARGET DELAY_MS

where TARGET is ``HOST:PORT`` or the path of a Unix socket (a server that
listens on no TCP port), and prints the port it listens on (127.0.0.1) once ready.
"""

from __future__ import annotations

import asyncio
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    async def receive() -> None:
        try:
            while data := await reader.read(1 << 16):
                queue.put_nowait((loop.time() + delay, data))
        except ConnectionError:
            pass
        queue.put_nowait((0.0, b""))

    async def send() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    try:
        await asyncio.gather(receive(), send())
    except ConnectionError:
        writer.close()


async def serve(target: str, delay: float) -> None:
    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            if target.startswith("/"):
                server_reader, server_writer = await asyncio.open_unix_connection(target)
            else:
                host, _, port = target.rpartition(":")
                server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, server_writer, 0.0), _pipe(server_reader, client_writer, delay))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], float(sys.argv[2]) / 1000))
