"""`python -m autograd_lite`: the tutorial's sigmoid unit (sections 3-5, 9), step by step.

Forward values, backward(), the tutorial's equations 7, 9, 10 by hand, and a central-difference
check of every gradient.
"""

from __future__ import annotations

import math

from . import Value, numerical_grad


def sigmoid_unit(theta1: Value, theta2: Value, b: Value, x1: float, x2: float, y: float) -> Value:
    """J = (g(θ1 x1 + θ2 x2 + b) - y)², the tutorial's objective for one example."""
    return ((theta1 * x1 + theta2 * x2 + b).sigmoid() - y) ** 2


def main() -> None:
    x1, x2, y = 4.5, 4.0, 1.0  # Star Wars I: Mary rated it 4.5, John 4, and I liked it
    theta1, theta2, b = Value(0.5, label="θ1"), Value(-0.2, label="θ2"), Value(0.1, label="b")

    print("The sigmoid unit of the tutorial (section 3): h = g(θ1·x1 + θ2·x2 + b), J = (h - y)²")
    print(f"  example: x1 = {x1}, x2 = {x2}, y = {y}   parameters: θ1 = 0.5, θ2 = -0.2, b = 0.1\n")

    z = theta1 * x1 + theta2 * x2 + b
    h = z.sigmoid()
    J = (h - y) ** 2
    print("Forward pass")
    print(f"  z = θ1·x1 + θ2·x2 + b = {z.data:.6f}")
    print(f"  h = g(z)              = {h.data:.6f}")
    print(f"  J = (h - y)²          = {J.data:.6f}\n")

    J.backward()
    print("Backward pass: J.backward() applies the chain rule from J down to the parameters")
    print(f"  dJ/dh = 2(h - y)         = {h.grad:+.6f}")
    print(f"  dJ/dz = dJ/dh · g(z)(1-g(z)) = {z.grad:+.6f}")
    for p in (theta1, theta2, b):
        print(f"  dJ/d{p.label:<3}= {p.grad:+.6f}")

    g = 1 / (1 + math.exp(-(0.5 * x1 - 0.2 * x2 + 0.1)))
    delta = 2 * (g - y) * (1 - g) * g
    print("\nThe tutorial's equations, evaluated by hand (section 5)")
    print(f"  eq. 7:  Δθ1 = 2[g - y][1 - g] g · x1 = {delta * x1:+.6f}")
    print(f"  eq. 9:  Δθ2 = 2[g - y][1 - g] g · x2 = {delta * x2:+.6f}")
    print(f"  eq. 10: Δb  = 2[g - y][1 - g] g      = {delta:+.6f}")

    numeric = numerical_grad(lambda t1, t2, bb: sigmoid_unit(t1, t2, bb, x1, x2, y), 0.5, -0.2, 0.1)
    print("\nGradient check (section 9): central differences (J(θ+ε) - J(θ-ε)) / 2ε, ε = 1e-6")
    worst = 0.0
    for p, n in zip((theta1, theta2, b), numeric, strict=True):
        worst = max(worst, abs(p.grad - n))
        print(f"  {p.label:<3} backprop {p.grad:+.10f}   numerical {n:+.10f}   difference {abs(p.grad - n):.1e}")
    print(f"\n{'OK' if worst < 1e-7 else 'MISMATCH'}: backprop agrees with numerical differentiation "
          f"to {worst:.1e}.")
    print("One SGD step (section 5, α = 0.5): θ ← θ - α Δθ")
    for p in (theta1, theta2, b):
        p.data -= 0.5 * p.grad
    print(f"  J before {J.data:.6f} → after {sigmoid_unit(theta1, theta2, b, x1, x2, y).data:.6f}")


if __name__ == "__main__":
    main()
