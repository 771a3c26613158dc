# GNU ld options in a wasmux link (sourced by bin/wasmux-cc and sdk/libexec/wasmux-ld).
# Debian's LDFLAGS and many build systems pass options that only mean something for ELF
# shared objects and dynamic linking; wasm-ld rejects most of them ("unknown argument") or
# warns on each link (-z relro). A wasmux program is one statically linked module, so they
# are dropped; docs/porting.md lists them. Anything else goes to wasm-ld, which names an
# option it does not know.
#
# The linker's words come one at a time (wasmux_ld_word), because an option's value may
# come in a later argument (-Wl,-soname -Wl,libx.so.1; -Xlinker -z -Xlinker now).

ld_state=     # "" | drop (the next word is a dropped option's value) | z (a -z keyword)
ld_out=()     # the words to pass for the last word given

# -z KEYWORD: stack-size is wasm-ld's; muldefs is GNU's name for allowing duplicates; the
# rest (relro, now, noexecstack, defs, text, origin, separate-code, ...) are ELF's.
wasmux_ld_z() {
  case "$1" in
    stack-size=*) ld_out=(-z "$1") ;;
    muldefs) ld_out=(--allow-multiple-definition) ;;
    *) ld_out=() ;;
  esac
}

wasmux_ld_word() {
  local o="$1"
  ld_out=()
  case "$ld_state" in
    drop) ld_state=; return ;;
    z) ld_state=; wasmux_ld_z "$o"; return ;;
  esac
  case "$o" in
    # Dynamic linking, symbol versions and ELF layout: nothing to do in one static module.
    --as-needed|--no-as-needed|--add-needed|--no-add-needed|--copy-dt-needed-entries|\
    --no-copy-dt-needed-entries|--hash-style=*|-Bsymbolic|-Bsymbolic-functions|\
    -Bsymbolic-non-weak-functions|--enable-new-dtags|--disable-new-dtags|--eh-frame-hdr|\
    -Bdynamic|-dy|-call_shared|--allow-shlib-undefined|--no-allow-shlib-undefined|\
    --no-undefined|--default-symver|--warn-shared-textrel|--export-dynamic|-E|\
    --no-export-dynamic|--version-script=*|--dynamic-list=*|--soname=*|-soname=*|--rpath=*|\
    -rpath=*|--rpath-link=*|-rpath-link=*|--dynamic-linker=*|-dynamic-linker=*|-h?*|\
    --build-id=none) return ;;
    # Section and relaxation tuning of ELF linkers, and group/common bookkeeping wasm-ld
    # does not need (it resolves archive members in any order).
    --push-state|--pop-state|--icf=*|--compress-debug-sections=*|--discard-all|-x|\
    --discard-locals|-X|--sort-section=*|--relax|--no-relax|--start-group|--end-group|\
    -\(|-\)|--warn-common|--sort-common|--sort-common=*|--fix-cortex-a53-843419) return ;;
    # The same options with their value in the next word.
    --version-script|--dynamic-list|-soname|--soname|-h|-rpath|--rpath|-rpath-link|\
    --rpath-link|-R|--dynamic-linker|-dynamic-linker) ld_state=drop; return ;;
    -z) ld_state=z; return ;;
    -z?*) wasmux_ld_z "${o#-z}"; return ;;
  esac
  ld_out=("$o")
}
