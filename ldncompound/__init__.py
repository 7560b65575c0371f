"""ldncompound: unit-safe compounding arithmetic for low-dose naltrexone.

Capsules, oral liquids and sublingual preparations from naltrexone HCl powder, commercial
tablets or a trituration stock. Every quantity carries its unit; every result carries its
calculation trace, beyond-use date, warnings and the defaults the library supplied.

Importing the package imports pint's machinery lazily and never imports click.
"""

from ._batch import (
    BATCH_RECORD_SCHEMA,
    BatchError,
    BatchRecord,
    Readable,
    csv_columns,
    run_batch,
)
from ._bud import BeyondUseDate, BudCategory, DayCount, Storage, StudyBud, assign_bud
from ._capsule_data import CAPSULE_SIZES, FILLERS, CapsuleSize, Filler, capsule_size, filler
from ._capsules import (
    CAPSULES_ORDER_SCHEMA,
    CAPSULES_SCHEMA,
    CapsuleMethod,
    CapsuleOrder,
    CapsuleResult,
    FillerLot,
    Ingredient,
    PackStat,
    ShellLot,
    Weighing,
    formulate_capsules,
)
from ._drug import BUILTIN_DRUGS, NALTREXONE, DoseProfile, Drug, SaltForm
from ._errors import DimensionError, FormulationError, InputError, LdnCompoundError, UnitError
from ._json import dumps, from_json, to_json
from ._orders import load_order, order_document, run_order
from ._parse import (
    Strength,
    density,
    mass,
    parse_count,
    parse_date,
    parse_decimal,
    parse_quantity,
    parse_strength,
    percent,
    volume,
)
from ._qc import WeightCheck, WeightWindow, check_weights
from ._schemas import json_schema, json_schemas
from ._sources import ApiLot, AssayBasis, Component, Source, TabletSource, TriturationStock
from ._trace import DefaultUsed, ResultWarning, Step
from ._units import Dimension, Quantity, Unit, registry
from ._version import __version__
from ._weighing import (
    CLASS_III_SENSITIVITY,
    Balance,
    DilutionStage,
    MinimumWeightRule,
    SolidPlan,
    percent_error,
    plan_solid,
    sensitivity_from_test,
)
from ._worksheet import render_worksheet

__all__ = [
    "BATCH_RECORD_SCHEMA",
    "BUILTIN_DRUGS",
    "CAPSULES_ORDER_SCHEMA",
    "CAPSULES_SCHEMA",
    "CAPSULE_SIZES",
    "CLASS_III_SENSITIVITY",
    "FILLERS",
    "NALTREXONE",
    "ApiLot",
    "AssayBasis",
    "Balance",
    "BatchError",
    "BatchRecord",
    "BeyondUseDate",
    "BudCategory",
    "CapsuleMethod",
    "CapsuleOrder",
    "CapsuleResult",
    "CapsuleSize",
    "Component",
    "DayCount",
    "DefaultUsed",
    "DilutionStage",
    "Dimension",
    "DimensionError",
    "DoseProfile",
    "Drug",
    "Filler",
    "FillerLot",
    "FormulationError",
    "Ingredient",
    "InputError",
    "LdnCompoundError",
    "MinimumWeightRule",
    "PackStat",
    "Quantity",
    "Readable",
    "ResultWarning",
    "SaltForm",
    "ShellLot",
    "SolidPlan",
    "Source",
    "Step",
    "Storage",
    "Strength",
    "StudyBud",
    "TabletSource",
    "TriturationStock",
    "Unit",
    "UnitError",
    "Weighing",
    "WeightCheck",
    "WeightWindow",
    "__version__",
    "assign_bud",
    "capsule_size",
    "check_weights",
    "csv_columns",
    "density",
    "dumps",
    "filler",
    "formulate_capsules",
    "from_json",
    "json_schema",
    "json_schemas",
    "load_order",
    "mass",
    "order_document",
    "parse_count",
    "parse_date",
    "parse_decimal",
    "parse_quantity",
    "parse_strength",
    "percent",
    "percent_error",
    "plan_solid",
    "registry",
    "render_worksheet",
    "run_batch",
    "run_order",
    "sensitivity_from_test",
    "to_json",
    "volume",
]
