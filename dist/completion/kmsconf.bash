# bash completion for kmsconf (installed as
# share/bash-completion/completions/kmsconf).
_kmsconf_options() {
    case "$1" in
    run) echo "--target --endpoint --insecure --cacert --cases --suite -j --jobs
        --connect-timeout --timeout --max-time -o --output --results --junit-strict -v
        --verbose -q --quiet --color --format --expect --refserver-arg --no-preflight --ledger --plan --transcripts --retries --rate --bundle
        --sign-key --only --tag
        --skip-tag --read-only --shard --help" ;;
    lint) echo "--cases --suite --quiet --target --help" ;;
    list) echo "--cases --suite --json --only --tag --skip-tag --read-only
        --shard --help" ;;
    coverage) echo "--cases --suite --json --only --tag --skip-tag
        --read-only --shard --help" ;;
    sweep) echo "--target --endpoint --dry-run --credential --label --ledger
        --insecure --cacert --help" ;;
    doctor) echo "--target --endpoint --insecure --cacert --timeout --help" ;;
    diff) echo "--markdown --json --fail-on --force --allow-partial --help" ;;
    merge) echo "-o --output --force --junit-strict --help" ;;
    matrix) echo "--cases --html --catalog --help" ;;
    report) echo "--html --help" ;;
    site) echo "--catalog --help" ;;
    expect) echo "--from -o --output --check --help" ;;
    verify) echo "--key --help" ;;
    esac
}

_kmsconf() {
    local cur prev cmd
    local commands="run lint list coverage sweep doctor verify diff merge matrix
        report site expect help version"
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        # shellcheck disable=SC2207 # word lists without spaces
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    if [ "$cmd" = help ]; then
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    case "$prev" in
    --cases | --suite)
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --format)
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -W "json xml both" -- "$cur"))
        return
        ;;
    --transcripts)
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -W "all failed" -- "$cur"))
        return
        ;;
    --color)
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
        return
        ;;
    --target | --cacert | --expect | -o | --output | --html | --catalog | \
        --from | --check | --ledger)
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    esac
    if [[ $cur == -* ]]; then
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -W "$(_kmsconf_options "$cmd")" -- "$cur"))
    else
        # shellcheck disable=SC2207
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _kmsconf kmsconf

_kms_refserver() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    # shellcheck disable=SC2207
    COMPREPLY=($(compgen -W "--listen --port-file --config --print-config
        --latency-ms --request-log --hold-request --hold-file --hang-after --max-conns --max-conns-per-ip --conn-timeout --threads --deviate --deviate-code
        --throttle --seed --clock-offset --allow-deviations --help --version" -- "$cur"))
}
complete -o default -F _kms_refserver kms-refserver
