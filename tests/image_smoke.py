"""Run the built container image once, the way `docker run` would, and check what the Dockerfile
promises: the image's own command (`python -m bot run`) starts as the non-root user with its
working directory, environment and settings; it talks to our fake Bot API on 127.0.0.1 and
answers a command; the image's HEALTHCHECK command passes; the state lands in the /data volume,
readable by its owner only; SIGTERM stops it with exit status 0.

Used by .ci/image, which builds the image with buildah (this CI has no Docker engine). Not a
pytest module: it needs the image. Usage: python tests/image_smoke.py IMAGE
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.telegram.fakeapi import FakeTelegram

BUILDAH = ["buildah"]  # STORAGE_DRIVER comes from the environment, as .ci/image sets it
USER = 424242


def buildah(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*BUILDAH, *args], check=True, capture_output=True, text=True, **kw)


def image_config(image: str) -> dict:
    return json.loads(buildah("inspect", "--type", "image", image).stdout)["Docker"]["config"]


def run(container: str, argv: list[str], env: dict[str, str] = {}) -> list[str]:
    """`buildah run` with the image's user, directory and environment, plus `env`."""
    flags = [f"--env={k}={v}" for k, v in env.items()]
    return [*BUILDAH, "run", "--isolation", "chroot", *flags, container, "--", *argv]


class Failed(Exception):
    pass


def wait(ready, timeout: float, what: str, child: subprocess.Popen | None = None) -> None:
    end = time.monotonic() + timeout
    while not ready():
        if child is not None and child.poll() is not None:
            raise Failed(f"the container exited ({child.returncode}) while waiting for {what}")
        if time.monotonic() > end:
            raise Failed(f"no {what} within {timeout:.0f} s")
        time.sleep(0.2)


def command_pid(session: int, cmd: list[str]) -> int:
    """The process running the image's command inside the container started in `session`."""
    wanted = "\0".join(cmd[1:])
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.getsid(int(entry.name)) == session:
                line = (entry / "cmdline").read_bytes().decode(errors="replace").rstrip("\0")
                if line.endswith(wanted) and "buildah" not in line:
                    return int(entry.name)
        except (OSError, ProcessLookupError):
            continue
    raise Failed(f"no process runs {shlex.join(cmd)}")


def healthy(container: str, test: list[str]) -> bool:
    """The image's HEALTHCHECK, run inside the container as Docker would ("CMD-SHELL" or "CMD")."""
    argv = ["/bin/sh", "-c", test[1]] if test[0] == "CMD-SHELL" else test[1:]
    return subprocess.run(run(container, argv), capture_output=True).returncode == 0


def check(container: str, config: dict) -> list[str]:
    results = []

    def ok(what: str, passed: bool, detail: str = "") -> None:
        results.append(f"{'ok  ' if passed else 'FAIL'} {what}{': ' + detail if detail else ''}")

    ok("runs as a non-root user", config.get("User") not in (None, "", "root", "0"), config.get("User", ""))
    uid = subprocess.run(run(container, ["id", "-u"]), capture_output=True, text=True).stdout.strip()
    ok("that user's uid", uid not in ("", "0"), uid)
    ok("declares a volume for state", "/data" in (config.get("Volumes") or {}))
    test = (config.get("Healthcheck") or {}).get("Test") or []
    ok("has a health check", bool(test), shlex.join(test))
    fake = FakeTelegram()
    with fake.serve_in_thread():
        env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url}
        child = subprocess.Popen(run(container, config["Cmd"], env), stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            wait(lambda: any(c.method == "getUpdates" for c in fake.calls), 60, "polling", child)
            wait(lambda: healthy(container, test), 30, "passing health check", child)
            ok("health check passes while running", True)
            with urllib.request.urlopen("http://127.0.0.1:8080/calendars/all.ics", timeout=10) as answer:
                ok("feed served on the published port", b"BEGIN:VCALENDAR" in answer.read())
            fake.user_says(USER, "/upcoming")
            wait(lambda: fake.sent(USER), 30, "answer to /upcoming", child)
            ok("answers /upcoming", "Next items" in (fake.sent(USER)[0].text or ""), fake.sent(USER)[0].text[:60])
            # Docker signals the container's first process, the exec-form CMD itself; buildah
            # would SIGKILL it, so the signal goes straight to that process here.
            os.kill(command_pid(child.pid, config["Cmd"]), signal.SIGTERM)
            code = child.wait(30)
            ok("SIGTERM stops it with status 0", code == 0, str(code))
        except Failed as exc:
            ok("the container runs", False, str(exc))
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)  # buildah's helper and the bot too
            log = child.stdout.read() if child.stdout else ""
    ok("logs hold no token", fake.token not in log)
    state = subprocess.run(run(container, ["stat", "-c", "%U %a", "/data/bot.sqlite3"]), capture_output=True,
                           text=True).stdout.strip()
    ok("state file in /data, owner-only", state.endswith(" 600") and not state.startswith("root"), state)
    if any(r.startswith("FAIL") for r in results):
        results.append("container log:\n" + log[-3000:])
    return results


def main(argv: list[str]) -> int:
    image = argv[0] if argv else "localhost/hrd-calendar"
    os.environ.setdefault("STORAGE_DRIVER", "vfs")
    container = buildah("from", "--pull=never", image).stdout.strip()
    try:
        results = check(container, image_config(image))
    finally:
        buildah("rm", container)
    print("\n".join(results))
    failed = sum(r.startswith("FAIL") for r in results)
    print(f"image smoke test: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
