# fish completion for kmsconf and kms-refserver (installed in
# share/fish/vendor_completions.d).
set -l cmds run lint list coverage sweep diff merge matrix expect help version
complete -c kmsconf -f
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a run -d 'run the cases against a target'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a lint -d 'validate case files'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a list -d 'list cases'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a coverage -d 'each documented error with its cases'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a sweep -d 'remove keys and aliases left by runs'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a diff -d 'compare two reports'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a merge -d 'combine shard reports'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a matrix -d 'conformance matrix'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a expect -d 'expectation file from a report'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a help -d 'describe a command'
complete -c kmsconf -n "not __fish_seen_subcommand_from $cmds" -a version -d 'print the version'
complete -c kmsconf -n "__fish_seen_subcommand_from help" -a "$cmds"

set -l sel run list coverage
for c in $sel
    complete -c kmsconf -n "__fish_seen_subcommand_from $c" -l only -r -d 'cases whose id matches GLOB'
    complete -c kmsconf -n "__fish_seen_subcommand_from $c" -l tag -r -d 'cases with TAG'
    complete -c kmsconf -n "__fish_seen_subcommand_from $c" -l skip-tag -r -d 'leave out cases with TAG'
    complete -c kmsconf -n "__fish_seen_subcommand_from $c" -l read-only -d 'only read-only cases'
    complete -c kmsconf -n "__fish_seen_subcommand_from $c" -l shard -r -d 'the I-th of N slices'
end
for c in run lint list coverage
    complete -c kmsconf -n "__fish_seen_subcommand_from $c" -l cases -r -a '(__fish_complete_directories)' -d 'case folder'
    complete -c kmsconf -n "__fish_seen_subcommand_from $c" -l suite -r -a '(__fish_complete_directories)' -d 'suite folder'
end
set -l r "__fish_seen_subcommand_from run"
complete -c kmsconf -n $r -l target -r -F -d 'target profile'
complete -c kmsconf -n $r -l endpoint -r -d 'endpoint URL'
complete -c kmsconf -n $r -l insecure -d 'do not verify TLS'
complete -c kmsconf -n $r -l cacert -r -F -d 'CA bundle'
complete -c kmsconf -n $r -s j -r -d 'cases run at once'
complete -c kmsconf -n $r -l connect-timeout -r -d 'connect timeout'
complete -c kmsconf -n $r -l timeout -r -d 'timeout of one exchange'
complete -c kmsconf -n $r -s o -r -F -d 'JUnit report path'
complete -c kmsconf -n $r -l junit-strict -d 'one failure per testcase'
complete -c kmsconf -n $r -s v -d 'every testcase with its transcript'
complete -c kmsconf -n $r -s q -d 'the summary only'
complete -c kmsconf -n $r -l format -r -a 'json xml both' -d 'response formats'
complete -c kmsconf -n $r -l expect -r -F -d 'expectation file'
complete -c kmsconf -n $r -l refserver-arg -r -d 'kms-refserver argument'
complete -c kmsconf -n "__fish_seen_subcommand_from lint" -l quiet -d 'problems only'
complete -c kmsconf -n "__fish_seen_subcommand_from lint" -l target -r -F -d 'target profile'
complete -c kmsconf -n "__fish_seen_subcommand_from list coverage" -l json -d 'JSON output'
set -l s "__fish_seen_subcommand_from sweep"
complete -c kmsconf -n $s -l target -r -F -d 'target profile'
complete -c kmsconf -n $s -l endpoint -r -d 'endpoint URL'
complete -c kmsconf -n $s -l dry-run -d 'only print'
complete -c kmsconf -n $s -l credential -r -d 'one credential'
complete -c kmsconf -n $s -l label -r -d 'one run'
complete -c kmsconf -n $s -l insecure -d 'do not verify TLS'
complete -c kmsconf -n $s -l cacert -r -F -d 'CA bundle'
set -l d "__fish_seen_subcommand_from diff"
complete -c kmsconf -n $d -l markdown -d 'Markdown output'
complete -c kmsconf -n $d -l json -d 'JSON output'
complete -c kmsconf -n $d -l fail-on -r -d 'failing categories'
complete -c kmsconf -n $d -l force -d 'different catalogs'
complete -c kmsconf -n $d -F
complete -c kmsconf -n "__fish_seen_subcommand_from merge" -s o -r -F -d 'merged report'
complete -c kmsconf -n "__fish_seen_subcommand_from merge" -l force -d 'different catalogs'
complete -c kmsconf -n "__fish_seen_subcommand_from merge" -l junit-strict -d 'Ant-schema flavour'
complete -c kmsconf -n "__fish_seen_subcommand_from merge matrix" -F
complete -c kmsconf -n "__fish_seen_subcommand_from matrix" -l cases -d 'one row per case'
complete -c kmsconf -n "__fish_seen_subcommand_from matrix" -l html -r -F -d 'HTML page'
complete -c kmsconf -n "__fish_seen_subcommand_from matrix" -l catalog -r -F -d 'catalog'
complete -c kmsconf -n "__fish_seen_subcommand_from expect" -l from -r -F -d 'report'
complete -c kmsconf -n "__fish_seen_subcommand_from expect" -s o -r -F -d 'output'
complete -c kmsconf -n "__fish_seen_subcommand_from expect" -l check -r -F -d 'expectation file'

complete -c kms-refserver -l listen -r -d 'ADDR:PORT to serve'
complete -c kms-refserver -l port-file -r -F -d 'write the bound port there'
complete -c kms-refserver -l config -r -F -d 'JSON configuration'
complete -c kms-refserver -l print-config -d 'print the configuration, exit'
complete -c kms-refserver -l latency-ms -r -d 'delay every answer'
complete -c kms-refserver -l request-log -r -F -d 'one JSON line per request'
complete -c kms-refserver -l deviate -r -d 'break one check'
complete -c kms-refserver -l deviate-code -r -d 'change a status'
complete -c kms-refserver -l allow-deviations -d 'allow deviations'
complete -c kms-refserver -l help -d 'print the options'
complete -c kms-refserver -l version -d 'print the version'
