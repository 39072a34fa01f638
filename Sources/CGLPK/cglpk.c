#include "cglpk.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Per-thread state for the error hook: GLPK's environment is thread-local too. */
static _Thread_local jmp_buf error_jump;
static _Thread_local char captured[512];
static _Thread_local size_t captured_length;

static int capture_terminal(void *info, const char *text) {
    (void)info;
    size_t length = strlen(text);
    /* Keep the tail of GLPK's output: the last lines say what went wrong. */
    if (length >= sizeof captured) { text += length - (sizeof captured - 1); length = sizeof captured - 1; }
    if (captured_length + length >= sizeof captured) {
        size_t keep = sizeof captured - 1 - length;
        memmove(captured, captured + captured_length - keep, keep);
        captured_length = keep;
    }
    memcpy(captured + captured_length, text, length);
    captured_length += length;
    captured[captured_length] = '\0';
    return 1; /* nonzero: GLPK prints nothing itself */
}

static void on_error(void *info) {
    (void)info;
    longjmp(error_jump, 1);
}

static int bound_type(double lower, double upper) {
    int has_lower = isfinite(lower), has_upper = isfinite(upper);
    if (has_lower && has_upper) return lower == upper ? GLP_FX : GLP_DB;
    if (has_lower) return GLP_LO;
    if (has_upper) return GLP_UP;
    return GLP_FR;
}

typedef struct { double best_bound; int has_bound; } search_state;

static void on_search(glp_tree *tree, void *info) {
    search_state *state = info;
    int node = glp_ios_best_node(tree);
    if (node != 0) { state->best_bound = glp_ios_node_bound(tree, node); state->has_bound = 1; }
}

static double elapsed_since(struct timespec start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start.tv_sec) + 1e-9 * (double)(now.tv_nsec - start.tv_nsec);
}

static void finish(cglpk_result *result, int status, const char *message) {
    result->status = status;
    snprintf(result->message, sizeof result->message, "%s", message);
}

static glp_prob *build(const cglpk_problem *p) {
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, p->maximize ? GLP_MAX : GLP_MIN);
    glp_set_obj_coef(lp, 0, p->objective_constant);
    if (p->rows > 0) glp_add_rows(lp, p->rows);
    if (p->cols > 0) glp_add_cols(lp, p->cols);
    for (int i = 0; i < p->rows; i++) {
        if (p->row_names) glp_set_row_name(lp, i + 1, p->row_names[i]);
        glp_set_row_bnds(lp, i + 1, bound_type(p->row_lower[i], p->row_upper[i]), p->row_lower[i], p->row_upper[i]);
    }
    for (int j = 0; j < p->cols; j++) {
        if (p->col_names) glp_set_col_name(lp, j + 1, p->col_names[j]);
        glp_set_col_bnds(lp, j + 1, bound_type(p->col_lower[j], p->col_upper[j]), p->col_lower[j], p->col_upper[j]);
        glp_set_obj_coef(lp, j + 1, p->objective[j]);
        if (p->col_kind[j] == CGLPK_INTEGER) glp_set_col_kind(lp, j + 1, GLP_IV);
        if (p->col_kind[j] == CGLPK_BINARY) glp_set_col_kind(lp, j + 1, GLP_BV);
    }
    /* GLPK's arrays are 1-based: element 0 is ignored. */
    int *ia = malloc(sizeof(int) * (size_t)(p->nonzeros + 1));
    int *ja = malloc(sizeof(int) * (size_t)(p->nonzeros + 1));
    double *ar = malloc(sizeof(double) * (size_t)(p->nonzeros + 1));
    for (int k = 0; k < p->nonzeros; k++) {
        ia[k + 1] = p->entry_row[k] + 1;
        ja[k + 1] = p->entry_col[k] + 1;
        ar[k + 1] = p->entry_value[k];
    }
    glp_load_matrix(lp, p->nonzeros, ia, ja, ar);
    free(ia); free(ja); free(ar);
    return lp;
}

/* Integer columns up to which a program counts as small (a few machine types) for the branching rule. */
#define SMALL_PROGRAM_INTEGER_COLUMNS 24

static int integer_columns(const cglpk_problem *p) {
    int count = 0;
    for (int j = 0; j < p->cols; j++) if (p->col_kind[j] != CGLPK_CONTINUOUS) count++;
    return count;
}

int cglpk_solve(const cglpk_problem *p, cglpk_result *result) {
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    captured[0] = '\0';
    captured_length = 0;
    result->objective = NAN;
    result->best_bound = NAN;
    volatile glp_prob *lp = NULL;
    glp_term_hook(capture_terminal, NULL);
    glp_error_hook(on_error, NULL);
    if (setjmp(error_jump)) {
        /* GLPK is in an undefined state: everything it allocated goes with its environment. */
        glp_free_env();
        result->seconds = elapsed_since(start);
        char message[512];
        snprintf(message, sizeof message, "GLPK rejected the model: %s", captured_length ? captured : "no detail");
        finish(result, CGLPK_ERROR, message);
        return result->status;
    }
    lp = build(p);
    glp_prob *problem = (glp_prob *)lp;
    glp_scale_prob(problem, GLP_SF_AUTO);
    if (p->lp_path && glp_write_lp(problem, NULL, p->lp_path) != 0) {
        glp_delete_prob(problem);
        glp_free_env();
        finish(result, CGLPK_ERROR, "could not write the LP file");
        return result->status;
    }
    if (!p->solve) {
        glp_delete_prob(problem);
        glp_free_env();
        result->seconds = elapsed_since(start);
        finish(result, CGLPK_OPTIMAL, "written");
        return result->status;
    }
    int time_limit_ms = p->time_limit_seconds >= 2147483.0 ? 2147483647 : (int)(p->time_limit_seconds * 1000.0);
    if (time_limit_ms < 1) time_limit_ms = 1;
    int integers = integer_columns(p), integer = integers > 0;
    int code, status;
    search_state search = { NAN, 0 };
    if (integer) {
        glp_iocp options;
        glp_init_iocp(&options);
        options.presolve = GLP_ON;
        options.msg_lev = GLP_MSG_OFF;
        options.tm_lim = time_limit_ms;
        options.mip_gap = p->mip_gap;
        /* Pseudocost branching picks the counts that move the bound. With the default rule, a few of the
           planner's split-or-mixed programs over many machine types ran to the time limit (a 15-type,
           64-class plan took 187 s, GLPK 180 s; with this rule 9.4 s, GLPK 1.5 s; splitplan-bench). On a
           small program its start-up costs more than it saves: the quick start's (16 integer columns)
           took twice as long under it as under the default rule, which it keeps (same plans). */
        options.br_tech = integers > SMALL_PROGRAM_INTEGER_COLUMNS ? GLP_BR_PCH : GLP_BR_DTH;
        options.cb_func = on_search;
        options.cb_info = &search;
        code = glp_intopt(problem, &options);
        status = glp_mip_status(problem);
    } else {
        glp_smcp options;
        glp_init_smcp(&options);
        options.presolve = GLP_ON;
        options.msg_lev = GLP_MSG_OFF;
        options.tm_lim = time_limit_ms;
        code = glp_simplex(problem, &options);
        status = glp_get_status(problem);
    }
    int has_solution = integer ? (status == GLP_OPT || status == GLP_FEAS) : (status == GLP_OPT);
    if (code == GLP_ENOPFS || status == GLP_NOFEAS) {
        finish(result, CGLPK_INFEASIBLE, "no feasible solution");
    } else if (code == GLP_ENODFS || status == GLP_UNBND) {
        finish(result, CGLPK_UNBOUNDED, "the objective is unbounded (or the model is infeasible)");
    } else if (code == GLP_ETMLIM && has_solution) {
        finish(result, CGLPK_FEASIBLE, "time limit reached with a feasible solution");
    } else if (code == GLP_ETMLIM) {
        finish(result, CGLPK_TIME_LIMIT, "time limit reached before any feasible solution");
    } else if (code == GLP_EMIPGAP || (code == 0 && has_solution)) {
        finish(result, CGLPK_OPTIMAL, "optimal");
    } else if (code == 0 && status == GLP_INFEAS) {
        finish(result, CGLPK_INFEASIBLE, "no feasible solution");
    } else {
        char message[512];
        snprintf(message, sizeof message, "GLPK stopped with code %d, status %d: %s", code, status, captured);
        finish(result, CGLPK_ERROR, message);
    }
    if (has_solution && (result->status == CGLPK_OPTIMAL || result->status == CGLPK_FEASIBLE)) {
        result->objective = integer ? glp_mip_obj_val(problem) : glp_get_obj_val(problem);
        for (int j = 0; j < p->cols; j++)
            result->col_values[j] = integer ? glp_mip_col_val(problem, j + 1) : glp_get_col_prim(problem, j + 1);
        for (int i = 0; i < p->rows; i++)
            result->row_values[i] = integer ? glp_mip_row_val(problem, i + 1) : glp_get_row_prim(problem, i + 1);
        /* The best open node's bound when the search stopped early. A completed search proved the incumbent
         * optimal within the gap; a bound recorded before its last nodes may be stale, so keep it only if it
         * is consistent with that proof. */
        result->best_bound = (integer && search.has_bound) ? search.best_bound : result->objective;
        if (integer && code == 0) {
            double scale = fabs(result->objective) > 1e-9 ? fabs(result->objective) : 1e-9;
            if (!search.has_bound || fabs(result->objective - result->best_bound) / scale > p->mip_gap)
                result->best_bound = result->objective;
        }
    }
    glp_delete_prob(problem);
    glp_free_env();
    result->seconds = elapsed_since(start);
    return result->status;
}

int cglpk_provoke_error(char *message, int capacity) {
    captured[0] = '\0';
    captured_length = 0;
    glp_term_hook(capture_terminal, NULL);
    glp_error_hook(on_error, NULL);
    if (setjmp(error_jump)) {
        glp_free_env();
        snprintf(message, (size_t)capacity, "%s", captured);
        return 1;
    }
    glp_prob *lp = glp_create_prob();
    glp_set_row_bnds(lp, 7, GLP_FX, 0, 0); /* row 7 does not exist: GLPK calls the error hook */
    glp_delete_prob(lp);
    glp_free_env();
    return 0;
}
