"""Public-data registry: pinned address, sha256, license and citation for every data file.

Files are looked up in ``SCALEWALL_DATA_DIR`` (or the platform cache when it is unset); a file that
is present with the right hash is used as is, a missing one is downloaded by pooch from the pinned
raw address at the commit named in ``../shared/data/MANIFEST.md`` and checked against its hash.
Nothing here touches the network at import time.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from scalewall.errors import ScalewallError, input_error
from scalewall.validate import did_you_mean

ENV_VAR = "SCALEWALL_DATA_DIR"

_EPOCH = "Epoch AI, 'Parameter, Compute and Data Trends in Machine Learning' (CC-BY)"


@dataclass(frozen=True)
class DataEntry:
    """One public data file.

    ``columns`` maps the runs-table columns (``N``, ``D``, ``C``, ``loss``, ``group``,
    ``unique_tokens``, ``step``) to the file's own column names, for entries that are tables of
    training runs; other entries leave it empty.
    """

    name: str
    filename: str
    sha256: str
    license: str
    citation: str
    description: str
    repo: str | None = None
    commit: str | None = None
    path: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    known_duplicate_rows: int = 0  # exact repeats in the published file, dropped on load

    @property
    def url(self) -> str | None:
        """The pinned raw address, or None for files converted by hand (no canonical address)."""
        if not (self.repo and self.commit and self.path):
            return None
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{quote(self.path)}"


ENTRIES: tuple[DataEntry, ...] = (
    DataEntry(
        name="chinchilla-epoch",
        filename="epoch_chinchilla_replication_svg_extracted_245runs.csv",
        sha256="193478df4e90f040016431996c45682659306840ecdadf83cfb9cd5ca0aa1b30",
        repo="epoch-research/analyzing-chinchilla",
        commit="92258837425e1b5f2851d624287f0120583a3d0e",
        path="data/svg_extracted_data.csv",
        license="none stated (Epoch AI research data)",
        citation="Besiroglu et al. 2024, 'Chinchilla Scaling: A replication attempt' (arXiv 2404.10102)",
        description="245 Chinchilla runs extracted from Hoffmann et al. 2022 Fig. 4; D = C / 6N",
        columns={"N": "Model Size", "C": "Training FLOP", "loss": "loss"},
    ),
    DataEntry(
        name="isoflops-openathena",
        filename="openathena_isoflops_multisource_qc.csv",
        sha256="b04d611253611490c5cc339fb95cb28d4f38f279a97438cb804a80f03171caa0",
        repo="Open-Athena/scaling-law-analysis",
        commit="3e0656ee3dce1a2c89aa67691920f5eb9d30f0fc",
        path="data/isoflops/transform/isoflops.csv",
        license="none stated (derived from third-party data)",
        citation="Czech 2026, 'Problems with Chinchilla Approach 2' (Open-Athena/scaling-law-analysis)",
        description="947 isoFLOP points from Chinchilla, Llama 3, Marin and misfitting, with QC flags",
        columns={
            "N": "params",
            "D": "tokens",
            "C": "budget",
            "loss": "loss",
            "group": "experiment",
        },
    ),
    DataEntry(
        name="misfitting-li2025",
        filename="misfitting_li2025_openlm_final_ckpt.csv",
        sha256="cd96b9eb8e5b2adc80e6739a642dd8554590edc96234d36859ab6ed0f5c30562",
        repo="hadasah/scaling_laws",
        commit="1f3708c0a12df0effb0ee906b1da5f9f0ff4f4f1",
        path="data/scaling_results_last_ckpt_only.csv",
        license="none stated",
        citation="Li et al. 2025, '(Mis)Fitting: A Survey of Scaling Laws' (hadasah/scaling_laws)",
        description="261 OpenLM final checkpoints, 12M-1B parameters, learning-rate sweeps",
        columns={"N": "N", "D": "D", "C": "C", "loss": "loss", "group": "model"},
        known_duplicate_rows=1,
    ),
    DataEntry(
        name="misfitting-li2025-checkpoints",
        filename="misfitting_li2025_openlm_checkpoints_all.csv",
        sha256="193b4b7665365112605417e2ef06d55efe599cfa08412354e3ae42c3af7a9f58",
        repo="hadasah/scaling_laws",
        commit="1f3708c0a12df0effb0ee906b1da5f9f0ff4f4f1",
        path="data/scaling_results.csv",
        license="none stated",
        citation="Li et al. 2025, '(Mis)Fitting: A Survey of Scaling Laws' (hadasah/scaling_laws)",
        description="4,852 OpenLM checkpoints (intermediate and final); resample by run",
        columns={"N": "N", "D": "D", "C": "C", "loss": "loss", "group": "model"},
        known_duplicate_rows=2,
    ),
    DataEntry(
        name="gadre2024-overtraining",
        filename="gadre2024_overtraining_104runs_losses.csv",
        sha256="69ffde1333252725dfcaa639bec4d5fc953c9853c1ad87960ac54bb2cb89257e",
        license="MIT",
        citation="Gadre et al. 2024, 'Language models scale reliably with over-training' (arXiv 2403.08540)",
        description="104 over-trained runs (C4, RedPajama, RefinedWeb), 10.6M-6.9B parameters",
        columns={"N": "params", "D": "tokens", "loss": "loss_c4_val", "group": "dataset"},
    ),
    DataEntry(
        name="datablations-c4",
        filename="datablations_muennighoff2023_c4_runs_all.csv",
        sha256="3e7f74785b30fc85f12094605c24f08ae3560c06dab18495db15c7738131037f",
        license="Apache-2.0",
        citation="Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models' (arXiv 2305.16264)",
        description="296 C4 runs with repeated data (1-9000 epochs)",
        columns={
            "N": "params",
            "D": "tokens",
            "unique_tokens": "unique_tokens",
            "loss": "val_loss",
        },
    ),
    DataEntry(
        name="datablations-fitset",
        filename="datablations_muennighoff2023_c4_fitset_182.csv",
        sha256="6ba93d7e103371d3845d2bc807d3ed44ca83a9880ef5193867be4f38a7423d52",
        license="Apache-2.0",
        citation="Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models' (arXiv 2305.16264)",
        description="The 182 runs R_D* and R_N* were fitted on (20 sizes, 7.1M-8.67B)",
        columns={
            "N": "params",
            "D": "tokens",
            "unique_tokens": "unique_tokens",
            "loss": "val_loss",
        },
    ),
    DataEntry(
        name="bnsl-4digit-addition",
        filename="bnsl_4digit_addition_dataset_size_vs_test_xent.csv",
        sha256="21775811b7829e26facb0203905184c4be2e0092e56f4195bcdf7d27b9344373",
        license="none stated",
        citation="Caballero et al. 2022, 'Broken Neural Scaling Laws' (arXiv 2210.14891)",
        description="4-digit addition: dataset size vs test cross-entropy (14 fit, 3 held out)",
        columns={"D": "train_dataset_size", "loss": "test_cross_entropy"},
    ),
    DataEntry(
        name="pythia-zeroshot",
        filename="pythia_v1_zeroshot_evals_by_checkpoint.csv",
        sha256="62e9092d04507fd43d04bd40dafaf0d6c5abe51ec741e95bbfb302801ad9ccaa",
        license="Apache-2.0",
        citation="Biderman et al. 2023, 'Pythia' (EleutherAI/pythia evals/pythia-v1)",
        description="Pythia v1 zero-shot evaluations by checkpoint, 70M-12B",
    ),
    DataEntry(
        name="epoch-notable-models",
        filename="epoch_notable_ai_models_2026-05-02.csv",
        sha256="4d28b53e93f8e6c9915333b0106c6a635c8614b51bfb2528157fac9430b4b6fc",
        repo="spiceoogway/ai-economy-timelines",
        commit="b405b372ce145052c578e1b7e1bdebc461c6fe10",
        path="data/raw/epoch_notable_ai_models_raw.csv",
        license="CC-BY (Epoch AI data)",
        citation=_EPOCH,
        description="Epoch AI notable models, snapshot 2026-05-02",
    ),
    DataEntry(
        name="epoch-large-scale-models",
        filename="epoch_large_scale_ai_models_2026-05-02.csv",
        sha256="26ddd8ba0dbc7a3f669d605c19065b80f3acbeedfd20762d248a2efd67949b43",
        repo="spiceoogway/ai-economy-timelines",
        commit="b405b372ce145052c578e1b7e1bdebc461c6fe10",
        path="data/raw/epoch_large_scale_ai_models_raw.csv",
        license="CC-BY (Epoch AI data)",
        citation=_EPOCH,
        description="Epoch AI large-scale models, snapshot 2026-05-02",
    ),
    DataEntry(
        name="epoch-frontier-models",
        filename="epoch_frontier_ai_models_2026-05-02.csv",
        sha256="981231c30878f49c01944a83e83930bdf7731270db5ce31335c66bbffb32a0ab",
        repo="spiceoogway/ai-economy-timelines",
        commit="b405b372ce145052c578e1b7e1bdebc461c6fe10",
        path="data/raw/epoch_frontier_ai_models_raw.csv",
        license="CC-BY (Epoch AI data)",
        citation=_EPOCH,
        description="Epoch AI frontier models, snapshot 2026-05-02",
    ),
    DataEntry(
        name="epoch-ml-systems-2024",
        filename="epoch_all_ml_systems_snapshot_2024-02-05.csv",
        sha256="46f6d1ff80886c430a52a1b3a931956c0fc7ae62268747755d681d72f4d5c884",
        repo="epoch-research/training-cost-trends",
        commit="9ffd7eef56890d14ab98fee0b02ef05b2487a1ff",
        path="data/20240205/All ML Systems - full view.csv",
        license="CC-BY (Epoch AI data)",
        citation=_EPOCH + "; Cottier et al. 2024 (arXiv 2405.21015)",
        description="Epoch AI all ML systems, snapshot 2024-02-05",
    ),
    DataEntry(
        name="epoch-hardware-prices-2024",
        filename="epoch_hardware_prices_snapshot_2024-02-05.csv",
        sha256="49535fdfdcb24d6455a46124ba42fcc26867630858467b52aff01c290ca42823",
        repo="epoch-research/training-cost-trends",
        commit="9ffd7eef56890d14ab98fee0b02ef05b2487a1ff",
        path="data/20240205/Hardware prices.csv",
        license="CC-BY (Epoch AI data)",
        citation=_EPOCH + "; Cottier et al. 2024 (arXiv 2405.21015)",
        description="Hardware prices, snapshot 2024-02-05",
    ),
    DataEntry(
        name="epoch-model-costs-2025",
        filename="epoch_cost_trends_model_costs_3methods_2025-07.csv",
        sha256="e5399d8502b66ab7689656d75a6b45bfaf6612617571fdcf59e88a597918f8b0",
        repo="epoch-research/training-cost-trends",
        commit="263c40a159307e917213d1dc433c617e47d55bfe",
        path="model_costs.csv",
        license="CC-BY (Epoch AI data)",
        citation="Cottier et al. 2024, 'The rising costs of training frontier AI models' (arXiv 2405.21015)",
        description="Training costs of frontier models by three methods, 2025-07",
    ),
    DataEntry(
        name="epoch-model-costs-updated-2025",
        filename="epoch_cost_trends_model_costs_updated_2025-07.csv",
        sha256="33feeed452f35e4f7be16c72bcc65768c4f9e9afa066b0aa9f4ab8d8f5d65d09",
        repo="epoch-research/training-cost-trends",
        commit="263c40a159307e917213d1dc433c617e47d55bfe",
        path="model_costs_updated.csv",
        license="CC-BY (Epoch AI data)",
        citation="Cottier et al. 2024, 'The rising costs of training frontier AI models' (arXiv 2405.21015)",
        description="Updated training costs of frontier models, 2025-07",
    ),
    DataEntry(
        name="epoch-hardware-prices-2025",
        filename="epoch_hardware_prices_2025-06.csv",
        sha256="e397345924db0a6bf83bd39d27c1fc7e9ec298339261c6e5d35f535abc898d2f",
        repo="epoch-research/training-cost-trends",
        commit="263c40a159307e917213d1dc433c617e47d55bfe",
        path="data/Hardware prices.csv",
        license="CC-BY (Epoch AI data)",
        citation=_EPOCH,
        description="Hardware prices, 2025-06",
    ),
    DataEntry(
        name="epoch-chip-specs-2025",
        filename="epoch_chip_specs_2025-06.csv",
        sha256="4a5e453104abfc894c47af64957c8a8e8cb0281c9af44975772318a5eacab5cc",
        repo="epoch-research/training-cost-trends",
        commit="263c40a159307e917213d1dc433c617e47d55bfe",
        path="data/Chip dataset-Grid view.csv",
        license="CC-BY (Epoch AI data)",
        citation=_EPOCH,
        description="Accelerator specifications, 2025-06",
    ),
    DataEntry(
        name="fred-cloud-price-index",
        filename="fred_PCU518210518210_price_index_2025-07.csv",
        sha256="57821a85090252fea0d2bc65645bb90021a18e7bd2b0ecff477f02ba7e2b039a",
        repo="epoch-research/training-cost-trends",
        commit="263c40a159307e917213d1dc433c617e47d55bfe",
        path="data/PCU518210518210.csv",
        license="public domain (FRED series PCU518210518210)",
        citation="U.S. Bureau of Labor Statistics, PPI data processing and hosting (FRED PCU518210518210)",
        description="Producer price index for data processing and hosting, 2025-07",
    ),
    DataEntry(
        name="epoch-dataset-sizes-2023",
        filename="epoch_data_stock_dataset_sizes_2023.csv",
        sha256="e2d19e6be9d4b0a79acef394cb4f63108bd62f95cbf20fc7c5ccdd15f1ef5106",
        repo="epoch-research/data-stock",
        commit="83da8edaa853f036f1bbd521df9e789335d64b3b",
        path="data/dataset_sizes.csv",
        license="CC-BY (Epoch AI data)",
        citation="Villalobos et al. 2024, 'Will we run out of data?' (arXiv 2211.04325)",
        description="Training dataset sizes of language models, 2023",
    ),
    DataEntry(
        name="monkeys-pythia-math",
        filename="monkeys_pythia_math_passk_n10000_schaeffer2025.parquet",
        sha256="2ca92cfcb9b074981b39ae3b6448bd7ae6b24e9db695e448b16eb7398dd41d15",
        repo="RylanSchaeffer/KoyejoLab-Large-How-Do-Language-Monkey-Power-Get-Their-Power",
        commit="cd078aef2a13e4310fab204860b99c4c39c25d40",
        path="data/processed_data/large_language_monkeys_original_pass_at_k.parquet",
        license="MIT (derived from ScalingIntelligence/monkey_business)",
        citation="Brown et al. 2024 (arXiv 2407.21787); Schaeffer et al. 2025 (arXiv 2502.17578)",
        description="Pythia pass@k on MATH with 10,000 samples per problem",
    ),
    DataEntry(
        name="monkeys-pythia-math-counts",
        filename="monkeys_pythia_math_counts_n10000.csv",
        sha256="3ca47717686f2c54684d7e9447ffab1f9f4245c8f5133011a4fb1964cb57318d",
        license="MIT (derived from ScalingIntelligence/monkey_business)",
        citation="Brown et al. 2024 (arXiv 2407.21787); Schaeffer et al. 2025 (arXiv 2502.17578)",
        description="Per-problem correct counts out of 10,000 samples (Pythia, MATH)",
    ),
    DataEntry(
        name="tinyshakespeare",
        filename="tinyshakespeare_input.txt",
        sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
        repo="karpathy/char-rnn",
        commit="370cbcd448eb7daf32f21a6be560b70e0b33c4e3",
        path="data/tinyshakespeare/input.txt",
        license="public domain text (Shakespeare)",
        citation="Karpathy 2015, char-rnn (karpathy/char-rnn data/tinyshakespeare)",
        description="Tiny Shakespeare, 1.1 MB of text for character-level LMs",
    ),
    *(
        DataEntry(
            name=f"brown2024-llama3-{size}-math-{kind}",
            filename=f"brown2024_fig7_digitized_llama3_{size}_instruct_math_{stem}.csv",
            sha256=sha,
            repo="austine4/Inference-Compute-Scaling-Laws",
            commit="7b7fb7310dcf62fd70f724d5fbdf8843e28ba9dd",
            path=f"llama3{size.upper()}instruct_{src}.csv",
            license="none stated; points digitised from a figure",
            citation="Brown et al. 2024, 'Large Language Monkeys' (arXiv 2407.21787), Fig. 7",
            description=f"Llama-3 {size.upper()} Instruct on MATH: {what} against samples (x, y)",
        )
        for size, kind, stem, src, what, sha in (
            (
                "8b",
                "coverage",
                "coverage",
                "oracle",
                "coverage (perfect verifier)",
                "ce9ae4170575f147e60c006b0eefa5c9c2acedd5a2b0fd04e4df4e87cd23bab3",
            ),
            (
                "8b",
                "majority",
                "majority_vote",
                "maj",
                "majority-vote accuracy",
                "29f997edc875734f240951c5afd554c09adf6725352dac4c0a74801f41bc8d9c",
            ),
            (
                "70b",
                "coverage",
                "coverage",
                "oracle",
                "coverage (perfect verifier)",
                "82082e324fbf9854f38b576a6b7d84b77568f491141208f600601eba7894735a",
            ),
            (
                "70b",
                "majority",
                "majority_vote",
                "maj",
                "majority-vote accuracy",
                "7149476d13e9c06779cbb2e17efe6e86e3f297411dc29ac6cd9d33a076b9d4c4",
            ),
        )
    ),
    # Epoch AI's Benchmarking Hub: one file per benchmark (and the ECI), score and stderr columns.
    *(
        DataEntry(
            name=f"epoch-hub-{key}",
            filename=f"epoch_benchmarking_hub_2025-11/{stem}.csv",
            sha256=sha,
            repo="pranmod01/apart-sprint",
            commit="24efa3f00884caf472167d1a2700270c0ec42974",
            path=f"frontend/public/data/raw/epoch_benchmark_data/{stem}.csv",
            license="CC-BY 4.0 (Epoch AI)",
            citation="Epoch AI, 'AI Benchmarking' (epoch.ai/benchmarks), Benchmarking Hub, 2025-11",
            description=f"Epoch Benchmarking Hub {stem}: '{score}' per model, compute where known",
            columns={"score": score} | ({"stderr": stderr} if stderr else {}),
        )
        for key, stem, score, stderr, sha in (
            (
                "adversarial-nli",
                "adversarial_nli_external",
                "Score",
                None,
                "45676c2f30948868fba1bd9f7d905723e7c97fecfa5a75b98b7b5f90e33d7f2d",
            ),
            (
                "aider-polyglot",
                "aider_polyglot_external",
                "Percent correct",
                None,
                "12f8cca9e2055fcafbd948768ab207733056a7930fb9b4a465dc3b8c042e8ea7",
            ),
            (
                "arc-agi",
                "arc_agi_external",
                "Score",
                None,
                "2ecb5f13bd921a0e983f3369be799d16b2530bcf09a4c77ecb16036d072ed916",
            ),
            (
                "arc-ai2",
                "arc_ai2_external",
                "Challenge score",
                None,
                "a1160bf317a026d12cfc873119031c0bcf2777a41888bc9c1162e17efb0c75b3",
            ),
            (
                "balrog",
                "balrog_external",
                "Average progress",
                "Average Standard error",
                "02bac0646d820e46e36cf4ff203b1d69cea489530dbc974399aad62ad2be3179",
            ),
            (
                "bbh",
                "bbh_external",
                "Average",
                None,
                "89435ca4599d2a8e806f32d9afa5b1cc249461706d3ef4b7eedb3b9de85e3235",
            ),
            (
                "bool-q",
                "bool_q_external",
                "Score",
                None,
                "c660bebe7b21ca51b842ff8e941a136d87e8a748a5cca36b4eebccfd0d7fcf70",
            ),
            (
                "cad-eval",
                "cad_eval_external",
                "Overall pass (%)",
                None,
                "3462bb8f1c38646c507772f63549d44c3e99ee1af59ce1d3abba2e602d070a31",
            ),
            (
                "common-sense-qa-2",
                "common_sense_qa_2_external",
                "Score",
                None,
                "19373551d52c9b68eaa760521573247206c0da3aadacc4bb8e71656c1d680f0a",
            ),
            (
                "cybench",
                "cybench_external",
                "Unguided % Solved",
                None,
                "5a4f13e90e07c4e9574193abb44f2ef2480c808b6e41914d677b11bea6e158a2",
            ),
            (
                "deepresearchbench",
                "deepresearchbench_external",
                "Average score",
                None,
                "9f92deb29242bfd44a9f95d86cc771d9cbeab3381392a8c2af7962df06d02399",
            ),
            (
                "eci",
                "epoch_capabilities_index",
                "ECI Score",
                None,
                "54f0e05c384f81077e3378184d2707541fb8e6ca4f77e719e8be9856af571617",
            ),
            (
                "factorio-learning-environment",
                "factorio_learning_environment_external",
                "Production score",
                None,
                "ce715d2819e26b8a424df51016f5176f6f7fa80be3d082edddc00ee617f4ccdf",
            ),
            (
                "fictionlivebench",
                "fictionlivebench_external",
                "120k token score",
                None,
                "c20c8d8e3920a09f7ec0f46fd1e5690a4bb564ff0d307ac7f3f990c3dab5e6ab",
            ),
            (
                "frontiermath",
                "frontiermath",
                "Best score (across scorers)",
                "stderr",
                "910f932779b559ba626deae64f5156493b0087ceb58720a6923e9da6e0dbf609",
            ),
            (
                "frontiermath-tier-4",
                "frontiermath_tier_4",
                "Best score (across scorers)",
                "stderr",
                "e6a27747d0cc59936521cfca3423cdc2fcc36e91b4a43b48857c7bea411a1642",
            ),
            (
                "geobench",
                "geobench_external",
                "ACW Avg Score",
                None,
                "b0f0cb401052e7bb5d28e6032f3041707830ab92e1bc2b118197889e0c1676d4",
            ),
            (
                "gpqa-diamond",
                "gpqa_diamond",
                "Best score (across scorers)",
                "stderr",
                "3b6faae5c68b60332b3ff775ef66cd8117b2ae17400ccac5a32436b1b8222544",
            ),
            (
                "gsm8k",
                "gsm8k_external",
                "EM",
                None,
                "abbd35033767112c8abe87b89499564e029523a5034a4c3d1c313fc4e7665a0a",
            ),
            (
                "gso",
                "gso_external",
                "Score OPT@1",
                None,
                "6587be1ce892735c26e7059ddd8c8b21d7227849cba525a099f63877d5917234",
            ),
            (
                "hella-swag",
                "hella_swag_external",
                "Overall accuracy",
                None,
                "1b8c3d11413a9189fc752dac83169974d71ade98c34c798ec07aa77e0ce7102b",
            ),
            (
                "lambada",
                "lambada_external",
                "Score",
                None,
                "f1f4d3ea0f86797f88cfefafd3a87233461bf24c306dd90c11b3a3fe0b7d0e41",
            ),
            (
                "lech-mazur-writing",
                "lech_mazur_writing_external",
                "Mean score",
                None,
                "84093922b51419b30da3f0e45816ed4666df5a3495682eff4d9237531d0d773b",
            ),
            (
                "live-bench",
                "live_bench_external",
                "Global average",
                None,
                "10c383ac22799cfb7fa14ea7336a5ed1b8bd99372bb378b8c16244e1df56ef13",
            ),
            (
                "math-level-5",
                "math_level_5",
                "Best score (across scorers)",
                "stderr",
                "4494c240769de77c50984f20cb1d74312a31d55431391eaab88834e0a37b8b74",
            ),
            (
                "metr-time-horizons",
                "metr_time_horizons_external",
                "Time horizon",
                None,
                "7d54bfacb0b7bcb71ae091d1e47cacfadcb652de0f8683c9e22995f291af2fe5",
            ),
            (
                "mmlu",
                "mmlu_external",
                "EM",
                None,
                "6403c3e75b3196d0983ddc04cbbfd9a2b415bceaacc0b14322bc59e6ec0a18d6",
            ),
            (
                "open-book-qa",
                "open_book_qa_external",
                "Accuracy",
                None,
                "b31ea726740a210142f3eb33b6889cf6c217fa9c47bcd8dbb807199a5da0c6c2",
            ),
            (
                "os-universe",
                "os_universe_external",
                "Weighted Score",
                None,
                "d9db15beccd3179322ac691f0f24495ac9be822f424505a76c62239b808fb972",
            ),
            (
                "os-world",
                "os_world_external",
                "Score",
                None,
                "de97807a69f070ed455aa5a555f6cebc42aa1a227f2546c0e4fcc55c9e7ddc21",
            ),
            (
                "otis-mock-aime-2024-2025",
                "otis_mock_aime_2024_2025",
                "Best score (across scorers)",
                "stderr",
                "d879d39e2c08f70421cf1b120111b0bb5177c21261495ebee7918a3eaa5dfbe2",
            ),
            (
                "piqa",
                "piqa_external",
                "Score",
                None,
                "720043cfabadf6c9472b8dcedbdfd1d2c75cf0b9db081bd1c2819d08b943882f",
            ),
            (
                "science-qa",
                "science_qa_external",
                "Score",
                None,
                "7f89a01b831eaf478809c49ddebf95ae3c0847abbfc18e03ddd5f3e477c5523f",
            ),
            (
                "simplebench",
                "simplebench_external",
                "Score (AVG@5)",
                None,
                "0388937c6eae632979e10ffa4643f71fb57bb4fd3fea2e6aee83d9666a7df064",
            ),
            (
                "superglue",
                "superglue_external",
                "Score",
                None,
                "cc8024909446cbbbcfaa727dea2753a2401616eb9eec560d47bc56519dd89143",
            ),
            (
                "swe-bench-verified",
                "swe_bench_verified",
                "Best score (across scorers)",
                "stderr",
                "a7252de64e6f72faadcb423ba94fb12ec6396dc2f28c1aaff07a771c192c5736",
            ),
            (
                "terminalbench",
                "terminalbench_external",
                "Accuracy mean",
                "Accuracy SE",
                "15e42061cfdba366c8d237b963c335ea06647de30c3dd5ad11d2cb4550ee8be0",
            ),
            (
                "the-agent-company",
                "the_agent_company_external",
                "% Score",
                None,
                "768b1e969dad48c78c0b3e6b3fff04cc1ca4ca5accc1f4c8fed2a033907826ba",
            ),
            (
                "trivia-qa",
                "trivia_qa_external",
                "EM",
                None,
                "95f1296212b702e373fa93ab46a8076b0ef1fa077d4e684bb4b7684fbbc7896c",
            ),
            (
                "vpct",
                "vpct_external",
                "Correct",
                None,
                "53355890915882faf406e06c0e2dc80fb6112b1270469ecf370f2e994abe75d2",
            ),
            (
                "webdev-arena",
                "webdev_arena_external",
                "Arena Score",
                None,
                "cddfb3b0ec1f17593e9e09fc3d18e09a5bef4e8204e616c19c143c0d3f75e70a",
            ),
            (
                "weirdml",
                "weirdml_external",
                "Average",
                None,
                "c478767409915a5d3dced0546633aa94f9cc0bd7f502563cd792a4e296020f51",
            ),
            (
                "wino-grande",
                "wino_grande_external",
                "Accuracy",
                None,
                "639eac8562e8ba4f2585f373083c24bddac4107f76d5a8d082d0c1913715390e",
            ),
        )
    ),
    DataEntry(
        name="monkeys-pythia-gsm8k-grid",
        filename="monkeys_pythia_gsm8k_counts_by_params_tokens_schaeffer2025.csv",
        sha256="6ba01a91a7036b4173cf06efa9971b46638bc081277d3d84cf8b46dbf83b0a26",
        license="none stated (samples from Brown et al.'s released monkey_business data)",
        citation="Brown et al. 2024 (arXiv 2407.21787); Schaeffer et al. 2025 (arXiv 2502.17578)",
        description=(
            "Per-problem correct counts on GSM8K for 9 Pythia sizes (14M-12B) x training-token "
            "checkpoints (2M-300B), with inference FLOPs"
        ),
    ),
    DataEntry(
        name="monkeys-pythia-math-grid",
        filename="monkeys_pythia_math_counts_by_params_tokens_schaeffer2025.csv",
        sha256="55377fdcacbe720a1f3a2e385068efafbf9f51759def79a7dc4a90b6f1d1c6a7",
        license="none stated (samples from Brown et al.'s released monkey_business data)",
        citation="Brown et al. 2024 (arXiv 2407.21787); Schaeffer et al. 2025 (arXiv 2502.17578)",
        description=(
            "Per-problem correct counts on MATH for 9 Pythia sizes (14M-12B) x training-token "
            "checkpoints (2M-300B), with inference FLOPs"
        ),
    ),
    *(
        DataEntry(
            name=f"hackenburg2025-{key}",
            filename=f"hackenburg2025_pnas_persuasion/{stem}.csv",
            sha256=sha,
            # The published tables are verbatim; the two data frames were converted from R.
            repo="kobihackenburg/scaling-LLM-persuasion" if stem.startswith("published_") else None,
            commit="4ce433248ec4d5a765297b7cc91c7f4caa88e376",
            path=f"main_study/code/analysis/output/tables/{stem.removeprefix('published_')}.csv",
            license="MIT",
            citation=(
                "Hackenburg et al. 2025, 'Scaling language model size yields diminishing returns "
                "for single-message political persuasion', PNAS 122(10) e2413443122"
            ),
            description=what,
        )
        for key, stem, sha, what in (
            (
                "message-estimates",
                "message_estimates",
                "cfdd8ea43bba345908d1a8facfe09fac6693d1cd0d94f859d85f077f171e3162",
                "Per-message persuasive effects (percentage points) with message features (converted from R)",
            ),
            (
                "model-ates",
                "model_ates",
                "99e281c4493995c905b31edca7ddb915c40fc5005120f42ff81e65d6588d5dfc",
                "Per-model average treatment effects (percentage points) with intervals (converted from R)",
            ),
            (
                "nonlinear-comparisons",
                "published_nonlinear_comparisons",
                "a34d95a8653d7ccbc9f5f0d567fb1fa313389043f5134de554824fd4f81513ea",
                "The authors' own output table nonlinear_comparisons.csv",
            ),
            (
                "nonlinear-frontier-larger",
                "published_nonlinear_comparisons_frontier_larger",
                "683965129ad84f7214bd95873e54dfde894731ccba6ce1e96d9864e8306ef169",
                "The authors' own output table nonlinear_comparisons_frontier_larger.csv",
            ),
            (
                "nonlinear-results",
                "published_nonlinear_results",
                "02c9e2cb9947c135310bbccf42e9ede60ab9548b55a45648565a505604ee0ccd",
                "The authors' own output table nonlinear_results.csv",
            ),
            (
                "table-cubic",
                "published_table_cubic",
                "1a11f86b4044de35301905e131c199d8fca62db019e7c56d3f945bcbfda15443",
                "The authors' own output table table_cubic.csv",
            ),
            (
                "table-drop-pythia70m",
                "published_table_drop_pythia70m",
                "1ef1eed37dd49687a9885ad5e2c6f4008f3d8a9f03564321063c307477b7410d",
                "The authors' own output table table_drop_pythia70m.csv",
            ),
            (
                "table-family-fixed-fx",
                "published_table_family_fixed_fx",
                "9abcf2788d5ebb646cf2cc4df6b1b5c0e9eec800142e4fea133d6345061ef256",
                "The authors' own output table table_family_fixed_fx.csv",
            ),
            (
                "table-mediators-joint",
                "published_table_mediators_joint",
                "a1031606e46156c4da2d82a7da76ab7af70995105ef1f382e561eb4ff0eed08e",
                "The authors' own output table table_mediators_joint.csv",
            ),
            (
                "table-primary-adjust2",
                "published_table_primary_adjust2",
                "608ed176d79403ace534d973df4a746c5444486780c32294855cb8501a4a3c57",
                "The authors' own output table table_primary_adjust2.csv",
            ),
            (
                "table-primary-adjust3",
                "published_table_primary_adjust3",
                "c7ff25e43e6b8ecd19d08af0a572b7a0310dc56b205564ea56bd74d262941ed2",
                "The authors' own output table table_primary_adjust3.csv",
            ),
            (
                "table-primary-model",
                "published_table_primary_model",
                "4c1d309034ebc4ce531ed94913f066cd55ef5cf9ae44102d1603af6e4d61fc77",
                "The authors' own output table table_primary_model.csv",
            ),
            (
                "table-quadratic",
                "published_table_quadratic",
                "bcf39babd768cffae5bdb34562b130be7f6e0b58e78ce75cd3aae85547f180bf",
                "The authors' own output table table_quadratic.csv",
            ),
            (
                "table-robust-frontier",
                "published_table_robust_frontier",
                "5f649742a2dab13a79e237ad7ba0c12fa90d4fca014bec1bae620808a2fa6692",
                "The authors' own output table table_robust_frontier.csv",
            ),
            (
                "table-task-comp2-alone",
                "published_table_task_comp2_alone",
                "fc3f8e2c87034b7520e569540db9ae82fdbb519786da31981777c28e3cb6cd3c",
                "The authors' own output table table_task_comp2_alone.csv",
            ),
        )
    ),
    DataEntry(
        name="wikitext2-valid",
        filename="wikitext2_valid.txt",
        sha256="f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
        repo="pytorch/examples",
        commit="77f55b912142e11fcfdf5b530231fb9c52f181e8",
        path="word_language_model/data/wikitext-2/valid.txt",
        license="CC BY-SA 3.0",
        citation="Merity et al. 2016, 'Pointer Sentinel Mixture Models' (arXiv 1609.07843)",
        description="WikiText-2 validation split, word-level text (the train split is not in the snapshot)",
    ),
    DataEntry(
        name="wikitext2-test",
        filename="wikitext2_test.txt",
        sha256="d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0",
        repo="pytorch/examples",
        commit="77f55b912142e11fcfdf5b530231fb9c52f181e8",
        path="word_language_model/data/wikitext-2/test.txt",
        license="CC BY-SA 3.0",
        citation="Merity et al. 2016, 'Pointer Sentinel Mixture Models' (arXiv 1609.07843)",
        description="WikiText-2 test split, word-level text (the train split is not in the snapshot)",
    ),
    DataEntry(
        name="collapse-or-thrive-gaussian",
        filename="collapse_or_thrive/gaussian_fitting_sweep_k3mipjqi_runs_histories.parquet",
        sha256="bc103f5ae592e07ede31f90c3fdf3bac7a3ccd359fe0e86091c38d9072709625",
        repo="RylanSchaeffer/KoyejoLab-Collapse-or-Thrive",
        commit="369132e38c6b4774efbdafead228a0858497e17e",
        path="notebooks/00_gaussian_fitting/data/sweeps=k3mipjqi_runs_histories.parquet",
        license="none stated",
        citation="Kazdan et al. 2024, 'Collapse or Thrive?' (arXiv 2410.16713)",
        description=(
            "Per-run histories of the Gaussian-fitting sweep (7,600 duplicate rows: "
            "de-duplicate on run_id + iteration)"
        ),
    ),
    DataEntry(
        name="collapse-or-thrive-gaussian-summary",
        filename="collapse_or_thrive/gaussian_fitting_dim1_summary.csv",
        sha256="dbd5ae2552cb6bd85649c47316a242f2b84af7bc58910d8561ade74fd43ad496",
        license="none stated",
        citation="Kazdan et al. 2024, 'Collapse or Thrive?' (arXiv 2410.16713)",
        description="1-D Gaussian sweep summarised per setting, n and iteration, with theory",
    ),
    *(
        DataEntry(
            name=f"dey-donoho-{ds.replace('_', '-')}-{mode}",
            filename=f"dey_donoho_pi2_6_logistic/{ds}_{mode}.log",
            sha256=sha,
            repo="apd1995/model_collapse_universality",
            commit="15ac1af764a50ecc7febeeb9e11dba19c64b9b97",
            path=f"logistic_ML_data/{ds}_{mode}.log",
            license="none stated",
            citation="Dey & Donoho 2024, 'Universality of the pi^2/6 Pathway' (arXiv 2410.22812)",
            description=(
                f"Logistic regression on {ds.replace('_', ' ')}, "
                f"{'accumulating' if mode == 'augment' else 'replacing'} synthetic data: "
                "train and test loss per iteration (log)"
            ),
        )
        for ds, mode, sha in (
            (
                "breast_cancer",
                "augment",
                "9f22fd4a27cd8cf1fb918540119d693be9d797950ca4f3965ff2a239632e917f",
            ),
            (
                "breast_cancer",
                "discard",
                "d65535e3b3c84ce7d7fae1f5bfd0c8d98eb9b4fd407966a85dc02be3ec5ab93e",
            ),
            (
                "diabetes",
                "augment",
                "70f42230ac1c8e091fc062939ca991a62dfcb1351af1b239e60b1c27e5d33efe",
            ),
            (
                "diabetes",
                "discard",
                "f821f437d5274167f3227e945cc7f538992dc8bf82d60ea111da45e11021735a",
            ),
            (
                "heart",
                "augment",
                "36b0550e8cfb73452962b2d82240c994c54cfdd868977c5399d03063cd913a6f",
            ),
            (
                "heart",
                "discard",
                "ff45f29d5294c75d7c1b90e701eccca897a7aeb9e25a5c119a7092e17e19a65d",
            ),
            (
                "titanic",
                "augment",
                "53a644954fcbeed3001c795f36b2c7014a3880b65e1403d343f5c2d96ddb09e7",
            ),
            (
                "titanic",
                "discard",
                "73c167dfb0e7bd82db95cae0af8fde52327242cb3465afa8721491046f1c6588",
            ),
            (
                "wisconsin",
                "augment",
                "fe7ea4ced42122b0f0c7cbfda1f79d6d2c343dc115f1738063d5feee151c17f3",
            ),
            (
                "wisconsin",
                "discard",
                "d8e20eae7c95ab20ff520e78763d9d90b85a42f44ba81596f9aa9fa04ad72b7d",
            ),
        )
    ),
)

_BY_NAME = {e.name: e for e in ENTRIES}


def entry(name: str) -> DataEntry:
    """Look an entry up by name, with the list of names in the error."""
    try:
        return _BY_NAME[name]
    except KeyError:
        hint = closest(name)
        raise input_error(
            "unknown data entry",
            got=name,
            fix=(f"{hint} " if hint else "")
            + f"known entries: {', '.join(sorted(_BY_NAME))}; run 'scalewall data list'",
        ) from None


def closest(name: str) -> str | None:
    """A "did you mean" for a mistyped entry name (``chinchila-epoch``), or ``None``."""
    return did_you_mean(name, list(_BY_NAME))


def names_entry(source: str | Path) -> bool:
    """True when ``source`` is a registry name rather than an existing file (a file wins)."""
    s = str(source)
    return s in _BY_NAME and not Path(s).exists()


def data_dir() -> Path:
    """The folder files are read from and downloaded into."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import pooch  # imported here so importing scalewall stays light

    return Path(pooch.os_cache("scalewall"))


@functools.lru_cache(maxsize=64)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hash_of(path: Path) -> str:
    st = path.stat()
    return _sha256(path, st.st_mtime_ns, st.st_size)


def status(e: DataEntry) -> str:
    """'cached' (present with the right hash), 'missing', or 'bad hash'."""
    p = data_dir() / e.filename
    if not p.is_file():
        return "missing"
    return "cached" if _hash_of(p) == e.sha256 else "bad hash"


def fetch(name: str) -> Path:
    """Return the local path of an entry's file, downloading and checking it when missing.

    Raises
    ------
    InputError
        Unknown name.
    ScalewallError
        A file present with the wrong hash, or missing while offline; the message names the
        address and the ``SCALEWALL_DATA_DIR`` variable.
    """
    e = entry(name)
    folder = data_dir()
    p = folder / e.filename
    if p.is_file():
        got = _hash_of(p)
        if got != e.sha256:
            raise ScalewallError(
                f"{p}: sha256 {got[:12]}... does not match the registry's {e.sha256[:12]}...; "
                f"delete the file so it is fetched again, or point {ENV_VAR} at a good copy"
            )
        return p
    if e.url is None:
        raise ScalewallError(
            f"data entry '{name}' ({e.filename}) has no public download address (it was converted "
            f"by hand); put the file in {folder} or set {ENV_VAR} to a folder that has it"
        )
    import pooch

    try:
        out = pooch.retrieve(
            e.url,
            known_hash=f"sha256:{e.sha256}",
            fname=e.filename,
            path=folder,
            progressbar=False,
        )
    except Exception as exc:  # network errors come in many types; all mean the same to a user
        raise ScalewallError(
            f"could not download '{name}' from {e.url} ({type(exc).__name__}); connect to the "
            f"network, or set {ENV_VAR} to a folder that already holds {e.filename}"
        ) from exc
    return Path(out)
