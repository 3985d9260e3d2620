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

/* rule_step(): the registers now hold the caller's. */
#define STEP_CONTINUED (-1)

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

static const struct unwind_module *known_module(const struct walk *w, uint64_t pc)
{
	uint32_t i;

	for (i = 0; i < w->mod_count; i++) {
		if (pc >= w->mods[i].start && pc < w->mods[i].end)
			return &w->mods[i];
	}
	return NULL;
}

static int rule_step(const struct walk *w, Dwarf_Frame *frame, struct regs *r);

/* Steps a guessed placement must hold for (or fewer, ending in a placed binary or an entry). */
#define GUESS_STEPS_MAX 32
#define PAGE 4096ull

/*
 * Whether bin loaded with bias explains the stack from the registers in
 * *start: every pc in it lies after a call and has a rule, and the walk
 * reaches a binary already placed (at a return site of it) or an entry.
 */
static bool placement_holds(const struct walk *w, const struct regs *start, bool innermost,
			    struct unwind_binary *bin, uint64_t bias, uint64_t low, uint64_t high)
{
	struct regs r = *start;
	int steps;

	for (steps = 0; steps < GUESS_STEPS_MAX; steps++) {
		uint64_t pc = r.v[REG_RIP], sp = r.v[REG_RSP];
		bool first = innermost && steps == 0;
		const struct unwind_module *m;
		Dwarf_Frame *frame;
		int step;

		if (pc >= low + bias && pc < high + bias) {
			if (!first && !unwind_binary_is_return_site(bin, pc - bias))
				return false;
			if (unwind_binary_frame(bin, first ? pc - bias : pc - bias - 1, &frame))
				return false;
			step = rule_step(w, frame, &r);
			if (step == UNWIND_END_ENTRY)
				return steps > 0;
			if (step != STEP_CONTINUED || r.v[REG_RSP] <= sp)
				return false;
			continue;
		}
		m = known_module(w, pc);
		return m && steps > 0 && unwind_binary_is_return_site(m->bin, pc - m->bias);
	}
	return false;
}

/* Places the binary holding r's pc by the search of unwind_callbacks.candidates. */
static int guess_module(struct walk *w, const struct unwind_callbacks *cb, const struct regs *r,
			bool innermost)
{
	struct unwind_binary *cands[UNWIND_CANDIDATES_MAX];
	uint64_t pc = r->v[REG_RIP];
	size_t n, i, s;

	if (!cb->candidates || w->mod_count == UNWIND_MODULES_MAX)
		return -ENOENT;
	n = cb->candidates(cb->ctx, cands, UNWIND_CANDIDATES_MAX);
	for (i = 0; i < n && i < UNWIND_CANDIDATES_MAX; i++) {
		uint64_t low, high, seg_vaddr, seg_size, v;

		unwind_binary_extent(cands[i], &low, &high);
		for (s = 0; s < 16; s++) {
			if (unwind_binary_exec_segment(cands[i], s, &seg_vaddr, &seg_size))
				continue;
			/* Load biases are page multiples: v has pc's offset in its page. */
			for (v = (seg_vaddr & ~(PAGE - 1)) + (pc & (PAGE - 1));
			     v < seg_vaddr + seg_size; v += PAGE) {
				uint64_t bias = pc - v;

				if (v < seg_vaddr ||
				    !placement_holds(w, r, innermost, cands[i], bias, low, high))
					continue;
				w->mods[w->mod_count] = (struct unwind_module){
					.start = low + bias, .end = high + bias, .bias = bias,
					.bin = cands[i],
				};
				if (cb->found)
					cb->found(cb->ctx, &w->mods[w->mod_count]);
				w->mod_count++;
				return 0;
			}
		}
	}
	return -ENOENT;
}

static int find(struct walk *w, const struct unwind_callbacks *cb, const struct regs *r,
		bool innermost, const struct unwind_module **mod)
{
	uint64_t pc = r->v[REG_RIP];
	struct unwind_module *slot;
	int err;

	*mod = known_module(w, pc);
	if (*mod)
		return 0;
	if (w->mod_count == UNWIND_MODULES_MAX)
		return -ENOENT;
	slot = &w->mods[w->mod_count];
	err = cb->find_module(cb->ctx, pc, slot);
	if (err && err != -ENOENT)
		return err;
	if (!err && slot->bin && pc >= slot->start && pc < slot->end) {
		*mod = &w->mods[w->mod_count++];
		return 0;
	}
	err = guess_module(w, cb, r, innermost);
	if (err)
		return err;
	*mod = &w->mods[w->mod_count - 1];
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

int unwind_stack(const struct unwind_input *in, const struct unwind_callbacks *cb,
		 struct unwind_pc *out, uint32_t max, uint32_t *count, enum unwind_end *end)
{
	struct walk w = { .in = in };
	struct regs r = { 0 };
	uint32_t n = 0;
	int err = 0;

	*count = 0;
#if !defined(__x86_64__)
	(void)cb;
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
			/* Some runtimes end the chain with a zero return address. */
			*end = UNWIND_END_ENTRY;
			break;
		}
		out[n].pc = pc;
		out[n].bin = NULL;
		out[n].file_offset = 0;
		err = find(&w, cb, &r, n == 0, &mod);
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
