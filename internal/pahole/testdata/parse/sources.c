/* The types of the *.pahole files here, which are the output of pahole 1.24
 * for them: gcc -g -c sources.c; pahole -C foo sources.o > kitchen-sink.pahole
 * (--hex for hex.pahole), -C d for inline-types, -C al for aligned, -C foo_t
 * for typedef. */
struct inner { int x; char y; };
union u { int i; char c[6]; struct { short a, b; } s; };
struct foo {
	char a;
	int b;
	unsigned int f1:3, f2:5;
	unsigned long long big;
	union u un;
	struct inner in;
	union { long l; void *p; };
	struct { int q; } anon_named;
	char tail;
	int arr[3];
	void (*fn)(int, char);
	const char *name;
	char cl[64];
	int last:4;
};
struct foo foo_var;
union u u_var;

typedef struct { int a; char b; } foo_t;
foo_t fv;
struct al { char a; int b __attribute__((aligned(16))); char c; } __attribute__((aligned(64))) alv;
struct pk { char a; int b; } __attribute__((packed)) pkv;
struct fl { int n; char data[]; } *flv;
struct e; struct ep { struct e *p; int (*arr[2])(void); char (*pa)[4]; } epv;
enum E { X, Y }; struct en { enum E e; _Bool b; volatile int *const v; } env;

struct d { enum { A, B } e; struct { int a; } arr[2]; union { struct { char x; int y; }; long z; }; unsigned int : 3; unsigned int k:5; char q; } dv;
