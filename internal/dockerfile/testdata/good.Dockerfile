FROM golang:1.22@sha256:0f7a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8 AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /usr/local/bin/app
EXPOSE 8080
HEALTHCHECK CMD ["/usr/local/bin/app", "-health"]
USER 10001:10001
CMD ["/usr/local/bin/app"]
