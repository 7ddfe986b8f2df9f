"""The published DataJoint Elements, activated the way DataJoint's workflow repositories do
(workflow-array-ephys, workflow-calcium-imaging, ... ``pipeline.py``), into schemas named
``<prefix><element>``."""

from __future__ import annotations

import types

import datajoint as dj

SCHEMAS = ("ephys", "ephys_report", "event", "genotyping", "imaging", "imaging_report", "lab", "model",
           "optogenetics", "probe", "scan", "session", "subject", "surgery", "train", "trial")
"""The schemas :func:`activate` makes, after its prefix."""


def activate(prefix: str) -> list[str]:
    """Activate every Element into schemas ``<prefix>...``; returns the names of the schemas made."""
    from element_animal import genotyping, subject, surgery
    from element_array_ephys import ephys_acute as ephys
    from element_array_ephys import probe
    from element_calcium_imaging import imaging, scan
    from element_deeplabcut import train  # before model: model's own import of its readers is circular
    from element_deeplabcut import model
    from element_event import event, trial
    from element_lab import lab
    from element_optogenetics import optogenetics
    from element_session import session_with_datetime as session

    pipeline = types.ModuleType("pipeline")  # the linking module: the tables the Elements reference
    links = vars(pipeline)

    lab.activate(prefix + "lab")
    links.update(Lab=lab.Lab, Location=lab.Location, Project=lab.Project, Protocol=lab.Protocol, Source=lab.Source,
                 User=lab.User, Experimenter=lab.User, Device=lab.Device, Equipment=lab.Device)
    subject.activate(prefix + "subject", linking_module=pipeline)
    links.update(Subject=subject.Subject)
    genotyping.activate(prefix + "genotyping", prefix + "subject", linking_module=pipeline)
    surgery.activate(prefix + "surgery", prefix + "subject", linking_module=pipeline)
    links.update(Implantation=surgery.Implantation)
    session.activate(prefix + "session", linking_module=pipeline)
    links.update(Session=session.Session)

    @lab.schema
    class SkullReference(dj.Lookup):  # as in workflow-array-ephys
        definition = """
        skull_reference   : varchar(60)
        """
        contents = zip(["Bregma", "Lambda"])

    links.update(
        SkullReference=SkullReference,
        get_ephys_root_data_dir=lambda: [],
        get_session_directory=lambda session_key: None,
        get_imaging_root_data_dir=lambda: [],
        get_calcium_imaging_files=lambda scan_key, acq_software: [],
        get_dlc_root_data_dir=lambda: [],
        get_experiment_root_data_dir=lambda: [],
    )
    event.activate(prefix + "event", linking_module=pipeline)
    trial.activate(prefix + "trial", prefix + "event", linking_module=pipeline)
    optogenetics.activate(prefix + "optogenetics", linking_module=pipeline)
    ephys.activate(prefix + "ephys", prefix + "probe", linking_module=pipeline)
    imaging.activate(prefix + "imaging", prefix + "scan", linking_module=pipeline)
    train.activate(prefix + "train", linking_module=pipeline)
    links.update(train=train)  # model references `train.TrainingParamSet`
    model.activate(prefix + "model", linking_module=pipeline)
    return sorted(name for name in dj.list_schemas() if name.startswith(prefix))
