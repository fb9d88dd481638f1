"""Make sample_data/adult_models.csv: UCI Adult evaluated with two real models.

UCI Adult (Census Income), Becker & Kohavi (1996), UCI Machine Learning Repository,
https://doi.org/10.24432/C5XW20, CC BY 4.0.

Trains a logistic regression and a gradient-boosting classifier on 70% of the rows
and writes the held-out 30% with both models' predicted labels and positive-class
probabilities. Run once; the output is committed so faultline never needs Python:

    python3 scripts/make_adult_sample.py ../shared/data/adult.csv sample_data/adult_models.csv

Needs scikit-learn and pandas (tested with scikit-learn 1.9.1, pandas 3.1.1).
"""

import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src, na_values="?", skipinitialspace=True)
y = df["class"]
X = df.drop(columns=["class"])
numeric = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
categorical = [c for c in X.columns if c not in numeric]

def encoder():
    return ColumnTransformer([
        ("num", StandardScaler(), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
    ])

X_filled = X.copy()
X_filled[categorical] = X_filled[categorical].fillna("(missing)")
X_train, X_test, y_train, y_test = train_test_split(
    X_filled, y, test_size=0.3, random_state=0, stratify=y)

models = {
    "logreg": make_pipeline(encoder(), LogisticRegression(max_iter=2000)),
    "gbm": make_pipeline(encoder(), GradientBoostingClassifier(random_state=0)),
}
result = X.loc[X_test.index].copy()
result.insert(0, "id", X_test.index.map(lambda i: f"a{i:05d}"))
result["label"] = y_test
for name, model in models.items():
    model.fit(X_train, y_train)
    proba = model.predict_proba(X_test)[:, list(model.classes_).index(">50K")]
    result[f"pred_{name}"] = model.predict(X_test)
    result[f"score_{name}"] = np.round(proba, 6)
result.to_csv(out, index=False)
print(f"wrote {len(result)} rows to {out}")
