#!/usr/bin/env bash
# House rule: the folders are layers and include only downwards.
#
#   proto/      the protocol library: includes nothing of the project
#   reports/    may include proto
#   refserver/  may include proto
#   runner/     (src, include) may include proto and reports
#   runner/cli  may include proto, reports and runner
#
# A quoted include names either a public header of a folder below (under
# <folder>/include/) or a private header in the includer's own directory;
# anything else reaches around the layering and fails. No CMake target may
# add another folder's src/ or a parent path to its include path.
#
#   include-layers.sh SOURCE_DIR
set -u
src=${1:?usage: include-layers.sh SOURCE_DIR}
cd "$src" || { echo "FAIL: cannot enter $src" >&2; exit 1; }

declare -A owner allowed
allowed[proto]=""
allowed[reports]="proto"
allowed[refserver]="proto"
allowed[runner]="proto reports"
allowed[cli]="proto reports runner"

layer_of() { # path -> layer name
    case $1 in
    runner/cli/*) echo cli ;;
    proto/* | reports/* | refserver/* | runner/*) echo "${1%%/*}" ;;
    *) echo "" ;;
    esac
}

# Every public header, by the name it is included as.
for root in proto/include reports/include runner/include refserver/include; do
    [ -d "$root" ] || continue
    while IFS= read -r h; do
        name=${h#"$root"/}
        if [ -n "${owner[$name]:-}" ]; then
            echo "FAIL: public header $name exists in ${owner[$name]} and $root" >&2
            exit 1
        fi
        owner[$name]=$(layer_of "$root/x")
    done < <(find "$root" -name '*.h' | LC_ALL=C sort)
done

bad=0
checked=0
while IFS= read -r f; do
    me=$(layer_of "$f")
    [ -n "$me" ] || continue
    dir=$(dirname "$f")
    while IFS= read -r line; do
        inc=${line#*\"}
        inc=${inc%%\"*}
        checked=$((checked + 1))
        if [ -f "$dir/$inc" ] && [ "$inc" = "$(basename "$inc")" ]; then
            continue # private header beside the includer
        fi
        dep=${owner[$inc]:-}
        if [ -z "$dep" ]; then
            echo "$f: #include \"$inc\" is neither a public header nor beside the file" >&2
            bad=$((bad + 1))
            continue
        fi
        [ "$dep" = "$me" ] && continue
        case " ${allowed[$me]} " in
        *" $dep "*) ;;
        *)
            echo "$f: #include \"$inc\": $me may not include $dep" >&2
            bad=$((bad + 1))
            ;;
        esac
    done < <(grep -h '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
done < <(find proto reports refserver runner -name '*.[ch]' | LC_ALL=C sort)

while IFS= read -r hit; do
    echo "$hit: an include path into a src/ folder or a parent folder" >&2
    bad=$((bad + 1))
done < <(grep -rn --include=CMakeLists.txt -E \
    'include_directories\(.*(\.\./|_DIR\}/[^ )]*src\b)' \
    proto reports refserver runner tests)

if [ "$bad" -ne 0 ]; then
    echo "FAIL: $bad include(s) break the folder layering" >&2
    exit 1
fi
echo "include-layers: $checked quoted includes follow the layering"
