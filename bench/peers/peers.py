"""Native peers for softlogit's benchmark (issue #17): scikit-learn and statsmodels on the same
seeded data, which bench/peers.ts writes once to a binary file.

    python3 bench/peers/peers.py CASE.json [--budget=6] [--blas-threads=2]

CASE.json (written by bench/peers.ts) names the raw files beside it: X, n x p float64 row-major
little-endian; the response, n float64 (0/1 for a binary case, labels 0..K-1 for a multinomial
one). Prints one JSON object on stdout: the interpreter, module versions, the BLAS that runs
(threadpoolctl), and per contender the median seconds, every sample, iterations and the
coefficients in bench/contenders/types.ts's layout (intercept first; multinomial: the
reference-class form, class 0 the reference, free classes class-major), so bench/run.ts can
measure them against softlogit's MLE.

Each contender is timed from the arrays in memory to its coefficients (statsmodels: with its
standard errors, as softlogit; scikit-learn gives none). The first call is timed too (Python does
not warm up; only the page faults of its first allocations differ), then more calls while they fit
in the budget, at least `min_samples`, and the median is reported.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
import statsmodels
import statsmodels.api as sm
import threadpoolctl
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_info, threadpool_limits

# scikit-learn's stopping tolerance in the comparison: tight, so both fitters go to the MLE.
SKLEARN_TOL = 1e-10
# lbfgs stops on tol or on this many iterations (it needs ~100-300 at tol 1e-10 on the benchmark data).
LBFGS_MAX_ITER = 10000
# statsmodels' Newton: its tol is on the largest change of a coefficient; 1e-10 is at the MLE.
STATSMODELS_TOL = 1e-10
STATSMODELS_MAX_ITER = 100


def timed(fit, budget, min_samples, max_samples):
    """Median seconds of fit() over as many calls as fit the budget (at least min_samples)."""
    samples = []
    result = None
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        result = fit()
        samples.append(time.perf_counter() - t0)
        spent = time.perf_counter() - started
        if len(samples) >= max_samples:
            break
        if len(samples) >= min_samples and spent + samples[0] > budget:
            break
    ordered = sorted(samples)
    return result, ordered[len(ordered) // 2], ordered


def sklearn_binary(X, y):
    model = LogisticRegression(solver="newton-cholesky", penalty=None, tol=SKLEARN_TOL, max_iter=100)
    model.fit(X, y)
    coef = np.concatenate([model.intercept_, model.coef_[0]])
    return coef, None, int(model.n_iter_[0])


def sklearn_multinomial(X, labels, n_classes):
    model = LogisticRegression(solver="lbfgs", multi_class="multinomial", penalty=None, tol=SKLEARN_TOL, max_iter=LBFGS_MAX_ITER)
    model.fit(X, labels)
    # symmetric form (one vector per class) -> reference-class form: class c minus class 0
    W = np.column_stack([model.intercept_, model.coef_])  # K x (p + 1)
    ref = (W[1:] - W[0]).reshape(-1)
    return ref, None, int(model.n_iter_[0])


def statsmodels_binary(X, y):
    result = sm.Logit(y, sm.add_constant(X, has_constant="add")).fit(method="newton", tol=STATSMODELS_TOL, maxiter=STATSMODELS_MAX_ITER, disp=0)
    se = np.asarray(result.bse)
    return np.asarray(result.params), se, int(result.mle_retvals["iterations"])


def statsmodels_multinomial(X, labels, n_classes):
    result = sm.MNLogit(labels, sm.add_constant(X, has_constant="add")).fit(method="newton", tol=STATSMODELS_TOL, maxiter=STATSMODELS_MAX_ITER, disp=0)
    params = np.asarray(result.params)  # (p + 1) x (K - 1), class 0 the reference
    se = np.asarray(result.bse)
    return params.T.reshape(-1), se.T.reshape(-1), int(result.mle_retvals["iterations"])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    if len(args) != 1:
        sys.exit("usage: peers.py CASE.json [--budget=SECONDS] [--blas-threads=N]")
    budget = float(options.get("budget", "6"))
    blas_threads = int(options.get("blas-threads", "2"))
    with open(args[0]) as f:
        case = json.load(f)
    here = os.path.dirname(os.path.abspath(args[0]))
    n, p = case["nRows"], case["nFeatures"]
    X = np.fromfile(os.path.join(here, case["x"]), dtype="<f8").reshape(n, p)
    response = np.fromfile(os.path.join(here, case["response"]), dtype="<f8")
    binary = case["kind"] == "binary"
    n_classes = case.get("nClasses", 2)

    warnings.simplefilter("ignore", ConvergenceWarning)
    out = {
        "python": sys.executable,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__, "threadpoolctl": threadpoolctl.__version__},
        "blasThreads": blas_threads,
        "contenders": [],
    }
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        out["threadpools"] = [{k: info.get(k) for k in ("user_api", "internal_api", "version", "threading_layer", "architecture", "num_threads", "filepath")} for info in threadpool_info()]
        if binary:
            y = response
            runs = [
                ("scikit-learn newton-cholesky", lambda: sklearn_binary(X, y), 3),
                ("statsmodels Logit newton", lambda: statsmodels_binary(X, y), 1),
            ]
        else:
            labels = response.astype(np.int64)
            runs = [
                ("scikit-learn lbfgs", lambda: sklearn_multinomial(X, labels, n_classes), 3),
                ("statsmodels MNLogit newton", lambda: statsmodels_multinomial(X, labels, n_classes), 1),
            ]
        for name, fit, min_samples in runs:
            (coef, se, iterations), median, samples = timed(fit, budget, min_samples, 15)
            entry = {"contender": name, "medianSeconds": median, "sampleSeconds": samples, "iterations": iterations, "coefficients": [float(v) for v in coef]}
            if se is not None:
                entry["standardErrors"] = [float(v) for v in se]
            out["contenders"].append(entry)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
