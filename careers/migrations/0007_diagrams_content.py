"""Let content editors edit diagrams, and give a site that already has content the diagrams its
role pages showed when they were code (a new site gets them from fixtures/careers.json)."""

from django.db import migrations

from core.permissions import grant_to_content_editors, revoke_from_content_editors

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
REVENUE = [82, 88, 95, 91, 104, 112, 108, 119, 126, 131, 142]

DIAGRAMS = {
    "oltp-vs-olap": {
        "kind": "data_systems",
        "title": "OLTP vs OLAP",
        "steps": "Extract | read changes from the transactional database\n"
        "Transform | clean, join and aggregate\n"
        "Load | write into the warehouse's star schema",
    },
    "sample-dashboard": {
        "kind": "dashboard",
        "title": "What an analyst builds: a dashboard",
        "tools": "Tableau, Power BI, Looker",
        "kpis": "Revenue | $1.24M | +8.2% vs last quarter\n"
        "Conversions | 3.4% | +0.3 pts vs last quarter\n"
        "Active users | 48.2k | −1.5% vs last quarter",
        "filters": "Date range | Last 11 months\nRegion | All regions\nChannel | All channels",
        "trend": "\n".join(f"{month} | {value}" for month, value in zip(MONTHS, REVENUE)),
        "categories": "Electronics | 410\nHome | 290\nClothing | 240\nSports | 170\nBooks | 130",
        "channels": "Organic search | 42\nPaid ads | 26\nEmail | 18\nSocial | 14",
    },
    "data-science-workflow": {
        "kind": "workflow",
        "title": "The data science workflow",
        "steps": "Exploratory data analysis (EDA) | Profile the data, spot gaps, outliers and "
        "first patterns. | Jupyter, pandas, NumPy, Matplotlib, Seaborn, Plotly, SQL | EDA "
        "notebook, Data quality notes\n"
        "Feature engineering | Turn raw columns into signals a model can learn from. | pandas, "
        "NumPy, Spark, scikit-learn | Feature set, Transformation pipeline\n"
        "Model training | Fit candidate models and tune their hyperparameters. | scikit-learn, "
        "XGBoost, LightGBM, TensorFlow, Keras, PyTorch | Trained model candidates\n"
        "Evaluation | Compare models on held-out data against the success metric. | "
        "scikit-learn, MLflow, Weights & Biases, TensorBoard | Metrics report, Experiment log\n"
        "Iteration | Decide what to try next, or hand the best model on. | MLflow, Jupyter | "
        "Chosen model for the ML engineer, Next hypotheses",
        "loop_to": "Feature engineering",
    },
    "ml-system-architecture": {
        "kind": "architecture",
        "title": "A production ML system",
        "steps": "Build\n"
        "Data ingestion | Batch and streaming data arrive, versioned. | DVC, Kafka, Apache "
        "Airflow\n"
        "Feature store | The same features for training and serving. | Amazon SageMaker\n"
        "Model training | Pipelines train and validate models. | Kubeflow, TFX, PyTorch, "
        "TensorFlow, scikit-learn\n"
        "Model registry | Versioned models with their metrics. | MLflow\n"
        "Serve\n"
        "Model serving | Containers that load a registered model. | TensorFlow Serving, "
        "TorchServe, ONNX, Docker, Kubernetes\n"
        "API | Applications ask for predictions. | FastAPI, Flask, REST, gRPC\n"
        "Monitoring | Latency, errors, data and prediction drift. | Monitoring\n"
        "Alerting | Someone is paged when a metric crosses its threshold. | Prometheus, Sentry",
        "loop_from": "Alerting",
        "loop_to": "Model training",
    },
}
ROLE_DIAGRAMS = {
    "data-engineer": "oltp-vs-olap",
    "data-analyst": "sample-dashboard",
    "data-scientist": "data-science-workflow",
    "ml-engineer": "ml-system-architecture",
}


def add_diagrams(apps, schema_editor):
    grant_to_content_editors(apps, "careers", models=["diagram"])
    Diagram, Role = apps.get_model("careers", "Diagram"), apps.get_model("careers", "Role")
    if not Role.objects.exists():
        return  # an empty database: load_content brings the diagrams with the rest
    for slug, fields in DIAGRAMS.items():
        Diagram.objects.get_or_create(slug=slug, defaults=fields)
    for role_slug, slug in ROLE_DIAGRAMS.items():
        Role.objects.filter(slug=role_slug, diagram=None).update(
            diagram=Diagram.objects.get(slug=slug)
        )


def remove_diagrams(apps, schema_editor):
    revoke_from_content_editors(apps, "careers", models=["diagram"])


class Migration(migrations.Migration):
    dependencies = [("careers", "0006_diagrams")]

    operations = [migrations.RunPython(add_diagrams, remove_diagrams)]
