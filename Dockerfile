# Two stages: build a wheel with the build tools, run it in a slim image as a non-root user.
#   docker build -t hrd-calendar .                 # image
#   docker build --target test -t hrd-test .       # runs the test suite while building
#   docker run --rm -it hrd-calendar python -m bot try
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY bot ./bot
# Our wheel only: its dependencies come from PyPI at the versions requirements.lock pins.
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# The suite needs the sources and the test extra; the browser tests skip here (no Chromium).
FROM build AS test
COPY tests ./tests
COPY examples ./examples
COPY config ./config
COPY calendars ./calendars
COPY Dockerfile compose.yaml ./
RUN pip install --no-cache-dir -c requirements.lock -e '.[test]' && python -m pytest

FROM python:3.11-slim AS run
RUN useradd --create-home --uid 10001 hrd && mkdir /data && chown hrd:hrd /data
WORKDIR /app
COPY --from=build /wheels /wheels
COPY --from=build /src/requirements.lock /wheels/
RUN pip install --no-cache-dir -c /wheels/requirements.lock /wheels/*.whl && rm -rf /wheels
COPY examples ./examples
COPY calendars ./calendars
COPY config/settings.example.yaml ./config/settings.example.yaml
COPY config/docker.yaml ./config/settings.yaml
USER hrd
ENV PYTHONUNBUFFERED=1 DATABASE_URL=sqlite:////data/bot.sqlite3
# State (the SQLite file) lives in the volume; mount the curated store over /app/calendars.
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
