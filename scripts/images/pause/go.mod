module github.com/ordinal-dev/ordinal/scripts/images/pause

go 1.22
