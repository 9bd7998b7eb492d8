#!/bin/sh
password="$1"
read -r secret
token=$(cat /run/secrets/token)
PASSWD_FILE=/etc/passwd
