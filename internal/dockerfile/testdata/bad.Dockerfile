# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM debian
ARG NPM_TOKEN=npm_8fJ2kL9qW3eR5tY7uI0oP1aS
ENV DB_PASSWORD=Zk38fjQ9xLw2 \
    LOG_LEVEL=info
RUN apt-get update
RUN apt-get install -y curl
RUN curl -fsSL https://get.example.sh | sh
ADD https://downloads.example.com/tool.tar.gz /opt/
ADD vendor.tar.gz /opt/vendor/
RUN wget http://mirror.example.org/extra.deb
EXPOSE 22 8080
COPY --from=build /app /usr/local/bin/app
USER root
CMD ["/usr/local/bin/app"]
