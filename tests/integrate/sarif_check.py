# SPDX-License-Identifier: GPL-2.0-only
"""The SARIF 2.1.0 structure a log must have, checked two ways:

- by the specification's rules for the parts capanalyze writes (OASIS
  SARIF 2.1.0, sections 3.11-3.38: sarifLog, run, tool, toolComponent,
  reportingDescriptor, result, location, codeFlow, threadFlow ...): the
  required properties, their types and their enumerated values;
- by Debian's python3-sarif-python-om object model, generated from the
  specification's JSON schema: every object is built as its class, so a
  property the schema does not define, or a required one left out, fails.
"""
import sys
import urllib.parse

LEVELS = {'none', 'note', 'warning', 'error'}
KINDS = {'notApplicable', 'pass', 'fail', 'review', 'open', 'informational'}
LOGICAL_KINDS = {'function', 'member', 'module', 'namespace', 'parameter', 'resource',
                 'returnType', 'type', 'variable', 'object', 'array', 'property', 'value',
                 'element', 'text', 'attribute', 'comment', 'declaration', 'dtd',
                 'processingInstruction'}


def _require(cond, where, what, errors):
    if not cond:
        errors.append('%s: %s' % (where, what))
    return cond


def _uri(value, where, errors):
    if _require(isinstance(value, str) and value, where, 'uri must be a non-empty string', errors):
        parsed = urllib.parse.urlsplit(value)
        _require(all(c > ' ' and c != '\x7f' for c in value), where, 'uri has blanks or controls',
                 errors)
        _require(not parsed.scheme or parsed.scheme == 'file', where, 'unexpected scheme', errors)


def _message(m, where, errors):
    if _require(isinstance(m, dict), where, 'message must be an object', errors):
        _require(isinstance(m.get('text'), str) or isinstance(m.get('id'), str), where,
                 'message needs text or id (3.11.4)', errors)


def _logical_locations(lls, where, errors):
    if not _require(isinstance(lls, list), where, 'logicalLocations must be an array', errors):
        return
    for i, ll in enumerate(lls):
        w = '%s.logicalLocations[%d]' % (where, i)
        _require(isinstance(ll.get('name', ''), str), w, 'name must be a string', errors)
        if 'kind' in ll:
            _require(ll['kind'] in LOGICAL_KINDS, w, 'kind %r unknown' % ll['kind'], errors)


def _location(loc, where, errors):
    if not _require(isinstance(loc, dict), where, 'location must be an object', errors):
        return
    pl = loc.get('physicalLocation')
    if pl is not None:
        al = pl.get('artifactLocation')
        _require(isinstance(al, dict), where, 'physicalLocation needs artifactLocation '
                 '(3.29.2: artifactLocation or address)', errors)
        if isinstance(al, dict):
            _uri(al.get('uri'), where + '.physicalLocation.artifactLocation', errors)
        region = pl.get('region', {})
        _require(isinstance(region.get('startLine', 1), int) and region.get('startLine', 1) >= 1,
                 where, 'region.startLine is a line number, from 1 (3.30.5)', errors)
    if 'logicalLocations' in loc:
        _logical_locations(loc['logicalLocations'], where, errors)
    if 'message' in loc:
        _message(loc['message'], where + '.message', errors)


def _code_flows(flows, where, errors):
    if not _require(isinstance(flows, list) and flows, where, 'codeFlows: non-empty array',
                    errors):
        return
    for i, flow in enumerate(flows):
        w = '%s.codeFlows[%d]' % (where, i)
        tfs = flow.get('threadFlows')
        if not _require(isinstance(tfs, list) and tfs, w, 'threadFlows required, minItems 1 '
                        '(3.36.3)', errors):
            continue
        for j, tf in enumerate(tfs):
            locs = tf.get('locations')
            tw = '%s.threadFlows[%d]' % (w, j)
            if not _require(isinstance(locs, list) and locs, tw, 'locations required, minItems '
                            '1 (3.37.3)', errors):
                continue
            for k, tfl in enumerate(locs):
                lw = '%s.locations[%d]' % (tw, k)
                _require(isinstance(tfl.get('nestingLevel', 0), int) and
                         tfl.get('nestingLevel', 0) >= 0, lw, 'nestingLevel >= 0', errors)
                if 'location' in tfl:
                    _location(tfl['location'], lw + '.location', errors)


def structure_errors(log):
    """The specification's requirements that log breaks, as a list of strings."""
    errors = []
    _require(log.get('version') == '2.1.0', 'sarifLog', 'version must be "2.1.0" (3.13.2)',
             errors)
    _require(isinstance(log.get('$schema'), str) and '2.1.0' in log['$schema'], 'sarifLog',
             '$schema should name the 2.1.0 schema (3.13.3)', errors)
    runs = log.get('runs')
    if not _require(isinstance(runs, list), 'sarifLog', 'runs must be an array (3.13.4)', errors):
        return errors
    for r, run in enumerate(runs):
        where = 'runs[%d]' % r
        driver = run.get('tool', {}).get('driver')
        if not _require(isinstance(driver, dict), where, 'tool.driver required (3.18.2)', errors):
            continue
        _require(isinstance(driver.get('name'), str) and driver['name'], where,
                 'tool.driver.name required (3.19.8)', errors)
        rules = driver.get('rules', [])
        for i, rule in enumerate(rules):
            _require(isinstance(rule.get('id'), str), '%s.rules[%d]' % (where, i),
                     'reportingDescriptor.id required (3.49.3)', errors)
            level = rule.get('defaultConfiguration', {}).get('level', 'warning')
            _require(level in LEVELS, '%s.rules[%d]' % (where, i), 'level %r' % level, errors)
        for i, art in enumerate(run.get('artifacts', [])):
            _uri(art.get('location', {}).get('uri'), '%s.artifacts[%d]' % (where, i), errors)
        results = run.get('results')
        if not _require(isinstance(results, list), where, 'results must be an array', errors):
            continue
        for i, res in enumerate(results):
            w = '%s.results[%d]' % (where, i)
            _message(res.get('message'), w + '.message', errors)
            _require(isinstance(res.get('ruleId'), str), w, 'ruleId', errors)
            if 'ruleIndex' in res:
                idx = res['ruleIndex']
                _require(isinstance(idx, int) and 0 <= idx < len(rules) and
                         rules[idx]['id'] == res.get('ruleId'), w,
                         'ruleIndex must point at the rule whose id is ruleId (3.27.6)', errors)
            _require(res.get('level', 'warning') in LEVELS, w, 'level %r' % res.get('level'),
                     errors)
            _require(res.get('kind', 'fail') in KINDS, w, 'kind %r' % res.get('kind'), errors)
            _require(res.get('kind', 'fail') == 'fail' or res.get('level') == 'none', w,
                     'a kind other than fail needs level none (3.27.10)', errors)
            locs = res.get('locations', [])
            _require(isinstance(locs, list), w, 'locations must be an array', errors)
            for j, loc in enumerate(locs):
                _location(loc, '%s.locations[%d]' % (w, j), errors)
            for j, loc in enumerate(res.get('relatedLocations', [])):
                _location(loc, '%s.relatedLocations[%d]' % (w, j), errors)
                _require(isinstance(loc.get('id'), int) and loc['id'] >= 0, w,
                         'a related location has a non-negative id (3.28.2)', errors)
            fps = res.get('partialFingerprints', {})
            _require(all(isinstance(v, str) for v in fps.values()), w,
                     'partialFingerprints values are strings (3.27.17)', errors)
            if 'codeFlows' in res:
                _code_flows(res['codeFlows'], w, errors)
    return errors


def _import_object_model():
    try:
        import sarif_om  # noqa: F401
    except ImportError:
        # A python that is not Debian's (pyenv, a venv) does not see Debian's
        # modules; they are pure python and load from their folder.
        sys.path.append('/usr/lib/python3/dist-packages')
    import sarif_om
    return sarif_om


# Which object model class each property of the parts capanalyze writes holds.
_CHILDREN = {
    'SarifLog': {'runs': 'Run'},
    'Run': {'tool': 'Tool', 'artifacts': 'Artifact', 'results': 'Result'},
    'Tool': {'driver': 'ToolComponent'},
    'ToolComponent': {'rules': 'ReportingDescriptor'},
    'ReportingDescriptor': {'shortDescription': 'MultiformatMessageString',
                            'defaultConfiguration': 'ReportingConfiguration'},
    'Artifact': {'location': 'ArtifactLocation'},
    'Result': {'message': 'Message', 'locations': 'Location', 'codeFlows': 'CodeFlow',
               'relatedLocations': 'Location'},
    'Location': {'physicalLocation': 'PhysicalLocation', 'logicalLocations': 'LogicalLocation',
                 'message': 'Message'},
    'PhysicalLocation': {'artifactLocation': 'ArtifactLocation', 'region': 'Region'},
    'CodeFlow': {'message': 'Message', 'threadFlows': 'ThreadFlow'},
    'ThreadFlow': {'locations': 'ThreadFlowLocation'},
    'ThreadFlowLocation': {'location': 'Location'},
}


def _build(om, class_name, value, where, errors):
    cls = getattr(om, class_name)
    fields = {a.metadata['schema_property_name']: a.name for a in cls.__attrs_attrs__}
    kwargs = {}
    for key, v in value.items():
        if key not in fields:
            errors.append('%s: %s has no property %r' % (where, class_name, key))
            continue
        child = _CHILDREN.get(class_name, {}).get(key)
        if child and isinstance(v, list):
            v = [_build(om, child, x, '%s.%s[%d]' % (where, key, i), errors)
                 for i, x in enumerate(v)]
        elif child:
            v = _build(om, child, v, '%s.%s' % (where, key), errors)
        kwargs[fields[key]] = v
    try:
        return cls(**kwargs)
    except TypeError as e:
        errors.append('%s: %s: %s' % (where, class_name, e))
        return None


def object_model_errors(log):
    """Builds log as sarif_om objects; returns what did not fit."""
    om = _import_object_model()
    errors = []
    _build(om, 'SarifLog', log, 'sarifLog', errors)
    return errors
