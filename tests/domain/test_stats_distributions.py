"""The fast distribution functions are the scipy.stats distributions' own values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tests.domain.stats_samples import TIGHT
from touchloop.stats.distributions import chi2_sf, f_sf, normal_ppf, normal_sf, t_ppf, t_sf

POINTS = [-40.0, -3.5, -1.0, -0.01, 0.0, 0.3, 1.96, 2.5, 7.0, 35.0]
DEGREES = [1, 2, 3.7, 9, 29, 57.25, 300, 10**6]


def test_t_and_normal_tails_and_quantiles_equal_scipy_stats():
    for x in POINTS:
        assert normal_sf(x) == pytest.approx(stats.norm.sf(x), **TIGHT)
        for df in DEGREES:
            assert t_sf(x, df) == pytest.approx(stats.t.sf(x, df), **TIGHT)
    for q in (0.0005, 0.025, 0.5, 0.9, 0.95, 0.975, 0.995):
        assert normal_ppf(q) == pytest.approx(stats.norm.ppf(q), **TIGHT)
        for df in DEGREES:
            assert t_ppf(q, df) == pytest.approx(stats.t.ppf(q, df), **TIGHT)


def test_chi_squared_and_f_tails_equal_scipy_stats():
    for x in np.abs(POINTS):
        for df in DEGREES[:-1]:
            assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), **TIGHT)
            for dfd in (2.5, 19.3, 400):
                assert f_sf(x, df, dfd) == pytest.approx(stats.f.sf(x, df, dfd), **TIGHT)
