// SPDX-License-Identifier: GPL-2.0-only
#include "unwinder.h"

#include <dwarf.h>
#include <errno.h>
#include <string.h>

/* x86-64 DWARF register numbers (System V psABI, figure 3.36). */
#define REG_RBP 6
#define REG_RSP 7
#define REG_RIP 16
#define REG_COUNT 17

#define EXPR_STACK_MAX 16

struct regs {
	uint64_t v[REG_COUNT];
	uint32_t known; /* bit per register */
};

struct walk {
	const struct unwind_input *in;
	struct unwind_module mods[UNWIND_MODULES_MAX];
	uint32_t mod_count;
};

static bool read_stack(const struct walk *w, uint64_t addr, uint64_t *value)
{
	const struct unwind_input *in = w->in;

	if (addr < in->sp || addr - in->sp > in->stack_bytes ||
	    in->stack_bytes - (addr - in->sp) < sizeof(*value))
		return false;
	memcpy(value, in->stack + (addr - in->sp), sizeof(*value));
	return true;
}

static bool reg_get(const struct regs *r, uint64_t regno, uint64_t *value)
{
	if (regno >= REG_COUNT || !(r->known & (1u << regno)))
		return false;
	*value = r->v[regno];
	return true;
}

static void reg_set(struct regs *r, unsigned int regno, uint64_t value)
{
	r->v[regno] = value;
	r->known |= 1u << regno;
}

/*
 * Evaluates a DWARF expression (CFA rules and register rules of .eh_frame:
 * register + offset, and the arithmetic of PLT entries). *in_register: the
 * value is a register's (DW_OP_regN), not an address. Returns false for an
 * operation the unwinder does not know or a value it cannot have.
 */
static bool eval(const struct walk *w, const Dwarf_Op *ops, size_t nops, const struct regs *r,
		 uint64_t cfa, uint64_t *result, bool *is_value)
{
	uint64_t st[EXPR_STACK_MAX], a, b;
	size_t sp = 0, i;

	*is_value = false;
	for (i = 0; i < nops; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t atom = op->atom;

		if (sp >= EXPR_STACK_MAX)
			return false;
		if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			st[sp++] = atom - DW_OP_lit0;
			continue;
		}
		if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
			if (!reg_get(r, atom - DW_OP_breg0, &a))
				return false;
			st[sp++] = a + (uint64_t)(int64_t)op->number;
			continue;
		}
		if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			if (!reg_get(r, atom - DW_OP_reg0, &a))
				return false;
			st[sp++] = a;
			*is_value = true;
			continue;
		}
		switch (atom) {
		case DW_OP_bregx:
			if (!reg_get(r, op->number, &a))
				return false;
			st[sp++] = a + (uint64_t)(int64_t)op->number2;
			break;
		case DW_OP_regx:
			if (!reg_get(r, op->number, &a))
				return false;
			st[sp++] = a;
			*is_value = true;
			break;
		case DW_OP_call_frame_cfa:
			st[sp++] = cfa;
			break;
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u:
		case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s: case DW_OP_const8s:
		case DW_OP_constu: case DW_OP_consts:
			st[sp++] = op->number;
			break;
		case DW_OP_plus_uconst:
			if (!sp)
				return false;
			st[sp - 1] += op->number;
			break;
		case DW_OP_dup:
			if (!sp)
				return false;
			st[sp] = st[sp - 1];
			sp++;
			break;
		case DW_OP_drop:
			if (!sp)
				return false;
			sp--;
			break;
		case DW_OP_swap:
			if (sp < 2)
				return false;
			a = st[sp - 1];
			st[sp - 1] = st[sp - 2];
			st[sp - 2] = a;
			break;
		case DW_OP_deref:
			if (!sp || !read_stack(w, st[sp - 1], &st[sp - 1]))
				return false;
			break;
		case DW_OP_stack_value:
			*is_value = true;
			break;
		case DW_OP_nop:
			break;
		case DW_OP_plus: case DW_OP_minus: case DW_OP_and: case DW_OP_or:
		case DW_OP_xor: case DW_OP_shl: case DW_OP_shr: case DW_OP_mul:
		case DW_OP_ge: case DW_OP_gt: case DW_OP_le: case DW_OP_lt:
		case DW_OP_eq: case DW_OP_ne:
			if (sp < 2)
				return false;
			b = st[--sp];
			a = st[sp - 1];
			switch (atom) {
			case DW_OP_plus: a += b; break;
			case DW_OP_minus: a -= b; break;
			case DW_OP_and: a &= b; break;
			case DW_OP_or: a |= b; break;
			case DW_OP_xor: a ^= b; break;
			case DW_OP_shl: a = b < 64 ? a << b : 0; break;
			case DW_OP_shr: a = b < 64 ? a >> b : 0; break;
			case DW_OP_mul: a *= b; break;
			case DW_OP_ge: a = (int64_t)a >= (int64_t)b; break;
			case DW_OP_gt: a = (int64_t)a > (int64_t)b; break;
			case DW_OP_le: a = (int64_t)a <= (int64_t)b; break;
			case DW_OP_lt: a = (int64_t)a < (int64_t)b; break;
			case DW_OP_eq: a = a == b; break;
			default: a = a != b; break;
			}
			st[sp - 1] = a;
			break;
		default:
			return false;
		}
	}
	if (!sp)
		return false;
	*result = st[sp - 1];
	return true;
}

enum rule_result { RULE_OK, RULE_UNDEFINED, RULE_SAME, RULE_FAILED };

/* The caller's value of register regno under frame's rules. */
static enum rule_result caller_reg(const struct walk *w, Dwarf_Frame *frame, int regno,
				   const struct regs *r, uint64_t cfa, uint64_t *value)
{
	Dwarf_Op ops_mem[3], *ops = NULL;
	size_t nops = 0;
	bool is_value;
	uint64_t v;

	if (dwarf_frame_register(frame, regno, ops_mem, &ops, &nops) != 0)
		return RULE_FAILED;
	if (nops == 0)
		return ops ? RULE_UNDEFINED : RULE_SAME;
	if (!eval(w, ops, nops, r, cfa, &v, &is_value))
		return RULE_FAILED;
	if (!is_value && !read_stack(w, v, &v))
		return RULE_FAILED;
	*value = v;
	return RULE_OK;
}

static int find(struct walk *w, unwind_find_module_fn find_module, void *ctx, uint64_t pc,
		const struct unwind_module **mod)
{
	uint32_t i;
	int err;

	*mod = NULL;
	for (i = 0; i < w->mod_count; i++) {
		if (pc >= w->mods[i].start && pc < w->mods[i].end) {
			*mod = &w->mods[i];
			return 0;
		}
	}
	if (w->mod_count == UNWIND_MODULES_MAX)
		return -ENOENT;
	err = find_module(ctx, pc, &w->mods[w->mod_count]);
	if (err)
		return err;
	if (!w->mods[w->mod_count].bin || pc < w->mods[w->mod_count].start ||
	    pc >= w->mods[w->mod_count].end)
		return -ENOENT;
	*mod = &w->mods[w->mod_count++];
	return 0;
}

/* One frame by the frame-pointer chain: for code without unwind rules. */
static bool frame_pointer_step(const struct walk *w, struct regs *r)
{
	uint64_t fp, saved_fp, ra;

	if (!reg_get(r, REG_RBP, &fp) || !read_stack(w, fp, &saved_fp) ||
	    !read_stack(w, fp + 8, &ra))
		return false;
	r->known = 0;
	reg_set(r, REG_RSP, fp + 16);
	reg_set(r, REG_RBP, saved_fp);
	reg_set(r, REG_RIP, ra);
	return true;
}

/* rule_step(): the registers now hold the caller's. */
#define STEP_CONTINUED (-1)

/* One frame by the unwind rules: STEP_CONTINUED or why the walk ends. */
static int rule_step(const struct walk *w, Dwarf_Frame *frame, struct regs *r)
{
	Dwarf_Op *ops = NULL;
	size_t nops = 0;
	uint64_t cfa, ra = 0, fp = 0;
	enum rule_result fp_rule, ra_rule;
	bool is_value;
	int ra_reg;

	ra_reg = dwarf_frame_info(frame, NULL, NULL, NULL);
	if (ra_reg < 0 || dwarf_frame_cfa(frame, &ops, &nops) != 0 || nops == 0 ||
	    !eval(w, ops, nops, r, 0, &cfa, &is_value))
		return UNWIND_END_BAD;
	ra_rule = caller_reg(w, frame, ra_reg, r, cfa, &ra);
	if (ra_rule == RULE_UNDEFINED)
		return UNWIND_END_ENTRY;
	if (ra_rule != RULE_OK)
		return cfa - w->in->sp >= w->in->stack_bytes ? UNWIND_END_STACK : UNWIND_END_BAD;
	fp_rule = caller_reg(w, frame, REG_RBP, r, cfa, &fp);
	if (fp_rule == RULE_SAME)
		fp_rule = reg_get(r, REG_RBP, &fp) ? RULE_OK : RULE_FAILED;
	r->known = 0;
	reg_set(r, REG_RSP, cfa);
	reg_set(r, REG_RIP, ra);
	if (fp_rule == RULE_OK)
		reg_set(r, REG_RBP, fp);
	return STEP_CONTINUED;
}

int unwind_stack(const struct unwind_input *in, unwind_find_module_fn find_module, void *ctx,
		 struct unwind_pc *out, uint32_t max, uint32_t *count, enum unwind_end *end)
{
	struct walk w = { .in = in };
	struct regs r = { 0 };
	uint32_t n = 0;
	int err = 0;

	*count = 0;
#if !defined(__x86_64__)
	(void)find_module;
	(void)ctx;
	(void)out;
	(void)max;
	*end = UNWIND_END_UNSUPPORTED;
	return 0;
#else
	reg_set(&r, REG_RIP, in->ip);
	reg_set(&r, REG_RSP, in->sp);
	reg_set(&r, REG_RBP, in->fp);
	*end = UNWIND_END_DEPTH;
	while (n < max) {
		const struct unwind_module *mod;
		uint64_t pc = r.v[REG_RIP], sp = r.v[REG_RSP], vaddr;
		Dwarf_Frame *frame = NULL;
		int step;

		if (pc == 0) {
			/* Outermost frames of some runtimes end the chain with a zero return address. */
			*end = UNWIND_END_ENTRY;
			break;
		}
		out[n].pc = pc;
		out[n].bin = NULL;
		out[n].file_offset = 0;
		err = find(&w, find_module, ctx, pc, &mod);
		if (err == -ENOENT) {
			n++;
			err = 0;
			*end = UNWIND_END_NO_MODULE;
			break;
		}
		if (err)
			break;
		vaddr = pc - mod->bias;
		out[n].bin = mod->bin;
		if (unwind_binary_vaddr_to_offset(mod->bin, vaddr, &out[n].file_offset)) {
			out[n].bin = NULL;
			n++;
			*end = UNWIND_END_NO_MODULE;
			break;
		}
		n++;
		/* A return address is past its call: the rule of the call itself applies. */
		if (unwind_binary_frame(mod->bin, n > 1 ? vaddr - 1 : vaddr, &frame) == 0) {
			reg_set(&r, REG_RIP, pc);
			step = rule_step(&w, frame, &r);
			if (step != STEP_CONTINUED) {
				*end = (enum unwind_end)step;
				break;
			}
		} else if (!frame_pointer_step(&w, &r)) {
			*end = UNWIND_END_NO_RULE;
			break;
		}
		/* Callers' frames lie above: a step that does not climb is garbage. */
		if (r.v[REG_RSP] <= sp) {
			*end = UNWIND_END_BAD;
			break;
		}
	}
	*count = n;
	return err;
#endif
}

const char *unwind_end_name(enum unwind_end end)
{
	switch (end) {
	case UNWIND_END_ENTRY: return "entry";
	case UNWIND_END_STACK: return "stack copy too short";
	case UNWIND_END_NO_MODULE: return "address in no known file";
	case UNWIND_END_NO_RULE: return "no unwind rule";
	case UNWIND_END_DEPTH: return "depth limit";
	case UNWIND_END_BAD: return "bad rule";
	case UNWIND_END_UNSUPPORTED: return "architecture not supported";
	}
	return "?";
}
