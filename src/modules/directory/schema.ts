/** The licence of the directory's open data. */
export const LICENCE = {
  name: 'Open Data Commons Attribution License (ODC-By) 1.0',
  url: 'https://opendatacommons.org/licenses/by/1-0/',
  attribution: 'Contributors to the Openly directory. City names and coordinates: GeoNames (geonames.org), CC BY 4.0',
}

/** The CSV's columns, in order; /directory/schema documents each. */
export const CSV_COLUMNS = ['entity', 'id', 'name', 'classification', 'phase', 'summary', 'country_code', 'country', 'region', 'city_geonames_id', 'city', 'latitude', 'longitude', 'themes', 'technologies', 'website', 'identifier', 'organization_ids', 'project_ids', 'url', 'created_at', 'updated_at', 'confirmed_at'] as const

/** What each column means (the page /directory/schema shows this list). */
export const SCHEMA_FIELDS: Array<{ name: (typeof CSV_COLUMNS)[number]; meaning: string }> = [
  { name: 'entity', meaning: '“organization”, “project” or “person” (people who chose to be listed, in the export of the whole directory only).' },
  { name: 'id', meaning: 'A stable identifier: it never changes, even when the entry is renamed or its address changes.' },
  { name: 'name', meaning: 'The name as listed.' },
  { name: 'classification', meaning: 'Organisations: the type of organisation (Popolo’s classification), such as “local government” or “charity”.' },
  { name: 'phase', meaning: 'Projects: discovery, alpha, beta, live or retired.' },
  { name: 'summary', meaning: 'Projects: the summary. Organisations: the start of the description (up to 500 characters; the JSON has it whole). People: what they do, in their own words.' },
  { name: 'country_code', meaning: 'ISO 3166-1 alpha-2 code of the country, such as GB or DE (empty when not known).' },
  { name: 'country', meaning: 'Organisations: the country’s English name.' },
  { name: 'region', meaning: 'Organisations: the region. Projects: the places where the work happens, separated by “; ”.' },
  { name: 'city_geonames_id', meaning: 'The city or town, as its GeoNames id (geonames.org/<id>): stable, and the same in every export (empty when not said).' },
  { name: 'city', meaning: 'The city’s name (English, as GeoNames gives it).' },
  { name: 'latitude', meaning: 'The city’s latitude in degrees (WGS 84), from GeoNames; empty without a city. Never a street address.' },
  { name: 'longitude', meaning: 'The city’s longitude in degrees (WGS 84), from GeoNames.' },
  { name: 'themes', meaning: 'Themes, separated by “; ”.' },
  { name: 'technologies', meaning: 'Projects: technologies, separated by “; ”.' },
  { name: 'website', meaning: 'Organisations: the website.' },
  { name: 'identifier', meaning: 'Organisations: an identifier in an official register, in org-id.guide’s form (such as GB-COH-09506232).' },
  { name: 'organization_ids', meaning: 'Projects: the ids of its confirmed organisations with their role (lead or partner). People: the organisations they belong to with their role (admin or member). As id:role separated by “; ”.' },
  { name: 'project_ids', meaning: 'People: the projects whose team they are on, with their role on it, as id:role separated by “; ”.' },
  { name: 'url', meaning: 'The entry’s page on this site (a person’s profile).' },
  { name: 'created_at', meaning: 'When the entry was added, or the person joined (ISO 8601, UTC).' },
  { name: 'updated_at', meaning: 'When the entry was last changed (ISO 8601, UTC).' },
  { name: 'confirmed_at', meaning: 'When its managers last confirmed the entry is current (empty: never).' },
]
