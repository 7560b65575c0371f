"""ldncompound: unit-safe compounding arithmetic for low-dose naltrexone.

Capsules, oral liquids and sublingual drops from naltrexone HCl powder, commercial tablets or
(capsules only) a trituration stock. Every quantity carries its unit; every result carries its
calculation trace, beyond-use date, warnings and the defaults the library supplied.

Importing the package imports pint's machinery lazily and never imports click.
"""

from ._bud import BeyondUseDate, BudCategory, DayCount, Storage, StudyBud, assign_bud
from ._capsule_data import CAPSULE_SIZES, FILLERS, CapsuleSize, Filler, capsule_size, filler
from ._capsules import (
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
from ._devices import DEVICES, DeviceKind, Measurement, MeasuringDevice, device
from ._drops import (
    DROPS_SCHEMA,
    NOMINAL_DROPPER,
    DropperCalibration,
    DropsOrder,
    DropsResult,
    calibrate_dropper,
    formulate_drops,
)
from ._drug import BUILTIN_DRUGS, NALTREXONE, DoseProfile, Drug, SaltForm
from ._errors import DimensionError, FormulationError, InputError, LdnCompoundError, UnitError
from ._json import dumps, from_json, to_json
from ._labels import LabelFacts
from ._liquid_aliquot import LiquidPlan, plan_liquid
from ._liquid_batch import FillPlan, LiquidBatch, LiquidIngredient
from ._liquids import LIQUID_SCHEMA, LiquidOrder, LiquidResult, formulate_liquid
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
from ._sources import ApiLot, AssayBasis, Component, Source, TabletSource, TriturationStock
from ._trace import DefaultUsed, ResultWarning, Step
from ._units import Dimension, Quantity, Unit, registry
from ._vehicles import VEHICLES, Additive, AdditiveRole, Vehicle, VehicleLot, vehicle
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
    "BUILTIN_DRUGS",
    "CAPSULES_SCHEMA",
    "CAPSULE_SIZES",
    "CLASS_III_SENSITIVITY",
    "DEVICES",
    "DROPS_SCHEMA",
    "FILLERS",
    "LIQUID_SCHEMA",
    "NALTREXONE",
    "NOMINAL_DROPPER",
    "VEHICLES",
    "Additive",
    "AdditiveRole",
    "ApiLot",
    "AssayBasis",
    "Balance",
    "BeyondUseDate",
    "BudCategory",
    "CapsuleMethod",
    "CapsuleOrder",
    "CapsuleResult",
    "CapsuleSize",
    "Component",
    "DayCount",
    "DefaultUsed",
    "DeviceKind",
    "DilutionStage",
    "Dimension",
    "DimensionError",
    "DoseProfile",
    "DropperCalibration",
    "DropsOrder",
    "DropsResult",
    "Drug",
    "FillPlan",
    "Filler",
    "FillerLot",
    "FormulationError",
    "Ingredient",
    "InputError",
    "LabelFacts",
    "LdnCompoundError",
    "LiquidBatch",
    "LiquidIngredient",
    "LiquidOrder",
    "LiquidPlan",
    "LiquidResult",
    "Measurement",
    "MeasuringDevice",
    "MinimumWeightRule",
    "PackStat",
    "Quantity",
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
    "Vehicle",
    "VehicleLot",
    "Weighing",
    "WeightCheck",
    "WeightWindow",
    "__version__",
    "assign_bud",
    "calibrate_dropper",
    "capsule_size",
    "check_weights",
    "density",
    "device",
    "dumps",
    "filler",
    "formulate_capsules",
    "formulate_drops",
    "formulate_liquid",
    "from_json",
    "mass",
    "parse_count",
    "parse_date",
    "parse_decimal",
    "parse_quantity",
    "parse_strength",
    "percent",
    "percent_error",
    "plan_liquid",
    "plan_solid",
    "registry",
    "render_worksheet",
    "sensitivity_from_test",
    "to_json",
    "vehicle",
    "volume",
]
