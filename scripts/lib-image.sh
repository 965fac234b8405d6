# shellcheck shell=bash
# Image assembly for scripts/images.sh: a root filesystem directory -> a
# docker-archive tarball (the format `ctr -n k8s.io image import` and
# `docker load` read) holding two tags that share the big layer:
#
#   localhost/<name>:1   [rootfs]                 /etc/ordinal-image = localhost/<name>:1
#   localhost/<name>:2   [rootfs, small layer]    /etc/ordinal-image = localhost/<name>:2
#
# Each tag's config has Env ORDINAL_IMAGE=localhost/<name>:<tag>, so rolling :1 -> :2
# is a change a test can see from inside the pod. Output is reproducible: tar
# entries sorted, owned by 0:0, mtime 0; configs dated 1970-01-01.
# Source it; it does not change shell options. Needs GNU tar and sha256sum.

IMAGE_PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# image_tar DIR OUT [PATH...]: reproducible tar of DIR's top-level entries (or
# of the given relative PATHs, without recursing into directories).
image_tar() {
  local dir=$1 out=$2
  shift 2
  local opts=(--format=gnu --owner=0 --group=0 --numeric-owner --sort=name --mtime=@0)
  if [[ $# -gt 0 ]]; then
    tar -C "$dir" "${opts[@]}" --no-recursion -cf "$out" -- "$@"
  else
    (cd "$dir" && find . -mindepth 1 -maxdepth 1 -printf '%P\0' | LC_ALL=C sort -z) |
      tar -C "$dir" "${opts[@]}" --null -T - -cf "$out"
  fi
}

# json_str S: S as a JSON string literal (enough for commands and env values).
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

# json_list S...: the arguments as a JSON array of strings.
json_list() {
  local out="" a
  for a in "$@"; do out+="${out:+,}$(json_str "$a")"; done
  printf '[%s]' "$out"
}

# image_config REF CMD_JSON USER DIFF_ID...: an image config (OCI/docker v1) on stdout.
image_config() {
  local ref=$1 cmd=$2 user=$3
  shift 3
  local diffs="" d
  for d in "$@"; do diffs+="${diffs:+,}\"sha256:${d}\""; done
  printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",'
  printf '"config":{"User":%s,"Env":%s,"Cmd":%s,"WorkingDir":"/",' \
    "$(json_str "$user")" "$(json_list "$IMAGE_PATH_ENV" "ORDINAL_IMAGE=${ref}")" "$cmd"
  printf '"Labels":{"dev.ordinal.image":%s}},' "$(json_str "$ref")"
  printf '"rootfs":{"type":"layers","diff_ids":[%s]},' "$diffs"
  printf '"history":['
  printf '{"created":"1970-01-01T00:00:00Z","created_by":"scripts/images.sh (rootfs)"}'
  [[ $# -gt 1 ]] && printf ',{"created":"1970-01-01T00:00:00Z","created_by":"scripts/images.sh (tag layer)"}'
  printf ']}\n'
}

# image_assemble NAME ROOTFS WORK OUT CMD_JSON [USER]: write the two-tag
# docker-archive OUT from the directory ROOTFS (which gets /etc/ordinal-image).
# WORK is an empty scratch directory. USER defaults to 1000:1000.
image_assemble() {
  local name=$1 root=$2 work=$3 out=$4 cmd=$5 user=${6:-1000:1000}
  local ref1="localhost/${name}:1" ref2="localhost/${name}:2"
  local a=$work/archive top=$work/top l1 l2 c1 c2
  mkdir -p "$a" "$top/etc" "$root/etc"

  printf '%s\n' "$ref1" >"$root/etc/ordinal-image"
  chmod 0644 "$root/etc/ordinal-image"
  image_tar "$root" "$a/layer1.tar"
  l1=$(sha256sum "$a/layer1.tar" | cut -d' ' -f1)
  mv "$a/layer1.tar" "$a/${l1}.tar"

  printf '%s\n' "$ref2" >"$top/etc/ordinal-image"
  chmod 0755 "$top/etc"
  chmod 0644 "$top/etc/ordinal-image"
  image_tar "$top" "$a/layer2.tar" etc etc/ordinal-image
  l2=$(sha256sum "$a/layer2.tar" | cut -d' ' -f1)
  mv "$a/layer2.tar" "$a/${l2}.tar"

  image_config "$ref1" "$cmd" "$user" "$l1" >"$a/config1.json"
  image_config "$ref2" "$cmd" "$user" "$l1" "$l2" >"$a/config2.json"
  c1=$(sha256sum "$a/config1.json" | cut -d' ' -f1)
  c2=$(sha256sum "$a/config2.json" | cut -d' ' -f1)
  mv "$a/config1.json" "$a/${c1}.json"
  mv "$a/config2.json" "$a/${c2}.json"

  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s.tar"]},{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s.tar","%s.tar"]}]\n' \
    "$c1" "$ref1" "$l1" "$c2" "$ref2" "$l1" "$l2" >"$a/manifest.json"
  image_tar "$a" "$out"
}
