/* wasm exposes no machine registers; these exist so that <sys/user.h> and
 * <sys/procfs.h> compile. */
struct user_regs_struct {
	unsigned long regs[32];
};

#define ELF_NREG 32
typedef unsigned long elf_greg_t, elf_gregset_t[ELF_NREG];
typedef struct { unsigned long long __regs[32]; } elf_fpregset_t;
