//! The two-proportion z-test an A/B split's variants are compared with.

use serde::Serialize;
use utoipa::ToSchema;

/// Significance level of the `significant` flag (two-sided).
pub const ALPHA: f64 = 0.05;

/// A comparison of two conversion rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct ZTest {
    /// Difference of the rates (challenger minus control).
    pub difference: f64,
    /// The z statistic; absent when it is undefined (an empty group, or both
    /// rates 0 or both 1).
    pub z: Option<f64>,
    /// Two-sided p-value; absent with `z`.
    pub p_value: Option<f64>,
    /// True when `p_value` < 0.05.
    pub significant: bool,
}

/// Compares `x2` conversions out of `n2` (challenger) with `x1` out of `n1`
/// (control) using the pooled two-proportion z-test.
pub fn two_proportion_z_test(x1: i64, n1: i64, x2: i64, n2: i64) -> ZTest {
    let rate = |x: i64, n: i64| if n > 0 { x as f64 / n as f64 } else { 0.0 };
    let difference = rate(x2, n2) - rate(x1, n1);
    let undefined = ZTest {
        difference,
        z: None,
        p_value: None,
        significant: false,
    };
    if n1 <= 0 || n2 <= 0 {
        return undefined;
    }
    let pooled = (x1 + x2) as f64 / (n1 + n2) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return undefined;
    }
    let z = difference / se;
    let p = erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0);
    ZTest {
        difference,
        z: Some(z),
        p_value: Some(p),
        significant: p < ALPHA,
    }
}

/// The complementary error function (Numerical Recipes' Chebyshev fit,
/// relative error below 1.2e-7 everywhere).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn erfc_matches_known_values() {
        assert!(close(erfc(0.0), 1.0, 1e-7));
        assert!(close(erfc(1.0), 0.157_299_207, 1e-7));
        assert!(close(erfc(-1.0), 1.842_700_793, 1e-7));
        assert!(close(erfc(2.0), 0.004_677_735, 1e-8));
    }

    #[test]
    fn a_clear_difference_is_significant() {
        // 200/1000 against 250/1000: pooled 0.225, se 0.018675, z 2.6774.
        let t = two_proportion_z_test(200, 1000, 250, 1000);
        assert!(close(t.difference, 0.05, 1e-12));
        assert!(close(t.z.unwrap(), 2.677_4, 1e-3), "{t:?}");
        assert!(close(t.p_value.unwrap(), 0.007_42, 1e-4), "{t:?}");
        assert!(t.significant);
    }

    #[test]
    fn a_small_difference_is_not() {
        // 10/100 against 12/100: z 0.4520, p 0.6513.
        let t = two_proportion_z_test(10, 100, 12, 100);
        assert!(close(t.z.unwrap(), 0.452_0, 1e-3), "{t:?}");
        assert!(close(t.p_value.unwrap(), 0.651_3, 1e-3), "{t:?}");
        assert!(!t.significant);
        let reversed = two_proportion_z_test(12, 100, 10, 100);
        assert!(close(reversed.z.unwrap(), -t.z.unwrap(), 1e-12));
        assert!(close(reversed.p_value.unwrap(), t.p_value.unwrap(), 1e-12));
    }

    #[test]
    fn undefined_cases_have_no_statistic() {
        for (x1, n1, x2, n2) in [(0, 0, 1, 2), (1, 2, 0, 0), (0, 10, 0, 10), (5, 5, 7, 7)] {
            let t = two_proportion_z_test(x1, n1, x2, n2);
            assert_eq!(t.z, None, "{x1}/{n1} vs {x2}/{n2}");
            assert_eq!(t.p_value, None);
            assert!(!t.significant);
        }
    }
}
