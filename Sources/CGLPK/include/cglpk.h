#ifndef CGLPK_H
#define CGLPK_H

/* A thin C layer over GLPK 5: build, solve and free a model from plain 0-based arrays in one call.
 * GLPK reports invalid input by calling its error hook and then aborting the process; the hook here
 * longjmps back into cglpk_solve (never across Swift frames) and frees GLPK's environment instead. */

enum cglpk_kind { CGLPK_CONTINUOUS = 0, CGLPK_INTEGER = 1, CGLPK_BINARY = 2 };

enum cglpk_status {
    CGLPK_OPTIMAL = 0,         /* optimal within the MIP gap */
    CGLPK_FEASIBLE = 1,        /* stopped by the time limit with an integer solution */
    CGLPK_INFEASIBLE = 2,
    CGLPK_UNBOUNDED = 3,
    CGLPK_TIME_LIMIT = 4,      /* stopped by the time limit with no solution */
    CGLPK_ERROR = 5            /* GLPK rejected the input or failed; message says why */
};

typedef struct {
    int rows;
    int cols;
    int maximize;              /* 1 to maximise, 0 to minimise */
    double objective_constant;
    const double *objective;   /* cols */
    const double *col_lower;   /* cols; -INFINITY for none */
    const double *col_upper;   /* cols; +INFINITY for none */
    const int *col_kind;       /* cols; enum cglpk_kind */
    const char *const *col_names; /* cols, or NULL */
    const double *row_lower;   /* rows; -INFINITY for none */
    const double *row_upper;   /* rows; +INFINITY for none */
    const char *const *row_names; /* rows, or NULL */
    int nonzeros;
    const int *entry_row;      /* nonzeros, 0-based */
    const int *entry_col;      /* nonzeros, 0-based */
    const double *entry_value; /* nonzeros */
    double time_limit_seconds;
    double mip_gap;            /* relative, e.g. 1e-4 */
    const char *lp_path;       /* write the model in CPLEX LP format here before solving, or NULL */
    int solve;                 /* 0: only write lp_path */
} cglpk_problem;

typedef struct {
    int status;
    double objective;
    double best_bound;         /* proven bound on the objective (MIP), or the objective (LP) */
    double seconds;
    double *col_values;        /* caller-allocated, cols */
    double *row_values;        /* caller-allocated, rows */
    char message[512];
} cglpk_result;

/* Returns result->status. Thread-safe: GLPK's environment is per thread and freed before returning. */
int cglpk_solve(const cglpk_problem *problem, cglpk_result *result);

/* Triggers a GLPK error on purpose (an out-of-range row index); used by tests to prove the process survives. */
int cglpk_provoke_error(char *message, int capacity);

#endif
