/* wasmux links statically and has no dynamic loader; dynlink.h still wants
 * these names for the dl* stubs and mallocng. Relocation numbers are never
 * compared against real relocations. */
#define LDSO_ARCH "wasm32"

#define NO_LEGACY_INITFINI

#define TPOFF_K 0

#define REL_SYMBOLIC    1
#define REL_GOT         2
#define REL_PLT         3
#define REL_RELATIVE    4
#define REL_COPY        5
#define REL_DTPMOD      6
#define REL_DTPOFF      7
#define REL_TPOFF       8

/* Jumping to a new stack is impossible in wasm; nothing built here uses it. */
#define CRTJMP(pc,sp) __builtin_trap()
