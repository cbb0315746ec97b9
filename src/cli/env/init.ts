import type { Shell } from './shell.js';

/*
 * What `eval "$(banto env init SHELL)"` puts in the shell: a `banto` function that evals `env use` and `env off` by
 * itself, and a prompt segment. The segment reads BANTO_PROFILE and BANTO_PROFILE_PRODUCTION, which `env use` sets,
 * so drawing a prompt never starts node. Running init twice adds the segment once.
 */

const bash = String.raw`banto() {
  if [ "$1" = env ] && { [ "$2" = use ] || [ "$2" = off ]; }; then
    local __banto_code
    __banto_code="$(command banto "$@")" || return
    eval "$__banto_code"
  else
    command banto "$@"
  fi
}
__banto_ps1() {
  [ -n "$BANTO_PROFILE" ] || return 0
  if [ -n "$BANTO_PROFILE_PRODUCTION" ]; then
    printf '\001\033[1;31m\002[%s]\001\033[0m\002 ' "$BANTO_PROFILE"
  else
    printf '[%s] ' "$BANTO_PROFILE"
  fi
}
case "$PS1" in
  *__banto_ps1*) ;;
  *) PS1='$(__banto_ps1)'"$PS1" ;;
esac`;

// zsh: the segment is expanded with PROMPT_SUBST, and its %F{red} is read by the prompt afterwards.
const zsh = String.raw`banto() {
  if [[ "$1" == env && ( "$2" == use || "$2" == off ) ]]; then
    local __banto_code
    __banto_code="$(command banto "$@")" || return
    eval "$__banto_code"
  else
    command banto "$@"
  fi
}
__banto_ps1() {
  [[ -n "$BANTO_PROFILE" ]] || return 0
  if [[ -n "$BANTO_PROFILE_PRODUCTION" ]]; then
    print -rn -- "%B%F{red}[$BANTO_PROFILE]%f%b "
  else
    print -rn -- "[$BANTO_PROFILE] "
  fi
}
setopt prompt_subst
[[ "$PROMPT" == *__banto_ps1* ]] || PROMPT='$(__banto_ps1)'"$PROMPT"`;

// fish: the user's fish_prompt is kept under another name and called after the segment.
const fish = String.raw`function banto --description 'banto, with env use and env off applied to this shell'
    if test "$argv[1]" = env; and contains -- "$argv[2]" use off
        set -l __banto_code (command banto $argv --shell fish | string collect)
        or return 1
        eval $__banto_code
    else
        command banto $argv
    end
end
function __banto_ps1
    set -q BANTO_PROFILE; and test -n "$BANTO_PROFILE"; or return 0
    if set -q BANTO_PROFILE_PRODUCTION
        set_color --bold red
        printf '[%s]' $BANTO_PROFILE
        set_color normal
        printf ' '
    else
        printf '[%s] ' $BANTO_PROFILE
    end
end
if not functions -q __banto_user_prompt
    if functions -q fish_prompt
        functions -c fish_prompt __banto_user_prompt
    else
        function __banto_user_prompt
            printf '> '
        end
    end
    function fish_prompt
        __banto_ps1
        __banto_user_prompt
    end
end`;

export const initScript = (shell: Shell): string => ({ bash, zsh, fish })[shell];
