// Resource areas and API resource locations the emulator advertises, with the ids and route templates the real
// Azure DevOps Services publishes. azure-devops-node-api negotiates versions and builds URLs from exactly these
// records (VsoClient.getVersioningData), so they must match what the library asks for.

/** One `ApiResourceLocation`, as answered by `OPTIONS {org}/_apis/{area}`. */
export interface ApiResourceLocation {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  minVersion: string;
  maxVersion: string;
  releasedVersion: string;
}

/** Resource area ids (`GET {org}/_apis/ResourceAreas`). */
export const AREA_IDS = {
  location: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
  core: '79134c72-4a58-4b42-976c-04e7115f32bf',
  wit: '5264459e-e5e0-4bd8-b118-0985e68a4ec5',
} as const;

/** Location ids used by the calls the emulator serves. */
export const LOCATION_IDS = {
  resourceAreas: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
  connectionData: '00d9565f-ed9c-4a06-9a50-00e7896ccab4',
  projects: '603fe2ac-9723-48b9-88ad-09305aa6c6e1',
  workItems: '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b',
  comments: '608aac0a-32e1-4493-a863-b9cf4566d257',
  fields: 'b51fd764-e5c2-4b9b-aaf7-3395cf4bdd94',
  workItemTypes: '7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa',
  workItemTypeFields: 'bd293ce5-3d25-4192-8e67-e8092e879efb',
  wiql: '1a9c53f7-f243-4447-b110-35ef023636e4',
  workItemsCreate: '62d3d110-0047-428c-ad3c-4fe872c91c74',
  revisions: 'a00c85a5-80fa-4565-99c3-bcd2181434bb',
  commentVersions: '49e03b34-3be0-42e3-8a5d-e8dfb88ac954',
  attachments: 'e07b5fa4-1499-494d-a496-64b860fd64ff',
  workItemsBatch: '908509b6-4248-4475-a1cd-829139ba419f',
  updates: '6570bf97-d02c-4a91-8d93-3abe9895b1a9',
} as const;

/** The newest REST API version this emulator (like the service it imitates) understands. */
export const MAX_API_VERSION = '7.2';

const LOCATIONS: readonly ApiResourceLocation[] = [
  {
    id: LOCATION_IDS.resourceAreas,
    area: 'Location',
    resourceName: 'ResourceAreas',
    routeTemplate: '_apis/{resource}/{areaId}',
    resourceVersion: 1,
    minVersion: '3.2',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '0.0',
  },
  {
    id: LOCATION_IDS.connectionData,
    area: 'Location',
    resourceName: 'ConnectionData',
    routeTemplate: '_apis/{resource}',
    resourceVersion: 1,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '0.0',
  },
  {
    id: LOCATION_IDS.projects,
    area: 'core',
    resourceName: 'projects',
    routeTemplate: '_apis/{resource}/{*projectId}',
    resourceVersion: 4,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.workItems,
    area: 'wit',
    resourceName: 'workItems',
    routeTemplate: '{project}/_apis/{area}/{resource}/{id}',
    resourceVersion: 3,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.comments,
    area: 'wit',
    resourceName: 'comments',
    routeTemplate: '{project}/_apis/{area}/workItems/{workItemId}/{resource}/{commentId}',
    resourceVersion: 4,
    minVersion: '5.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '0.0',
  },
  {
    id: LOCATION_IDS.fields,
    area: 'wit',
    resourceName: 'fields',
    routeTemplate: '{project}/_apis/{area}/{resource}/{fieldNameOrRefName}',
    resourceVersion: 2,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.workItemTypes,
    area: 'wit',
    resourceName: 'workItemTypes',
    routeTemplate: '{project}/_apis/{area}/{resource}/{type}',
    resourceVersion: 2,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.workItemTypeFields,
    area: 'wit',
    resourceName: 'fields',
    routeTemplate: '{project}/_apis/{area}/workItemTypes/{type}/{resource}/{field}',
    resourceVersion: 3,
    minVersion: '5.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.wiql,
    area: 'wit',
    resourceName: 'wiql',
    routeTemplate: '{project}/{team}/_apis/{area}/{resource}',
    resourceVersion: 2,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.workItemsCreate,
    area: 'wit',
    resourceName: 'workItems',
    routeTemplate: '{project}/_apis/{area}/{resource}/${type}',
    resourceVersion: 3,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.revisions,
    area: 'wit',
    resourceName: 'revisions',
    routeTemplate: '{project}/_apis/{area}/workItems/{id}/{resource}/{revisionNumber}',
    resourceVersion: 3,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.commentVersions,
    area: 'wit',
    resourceName: 'commentsVersions',
    routeTemplate: '{project}/_apis/{area}/workItems/{workItemId}/comments/{commentId}/versions/{version}',
    resourceVersion: 1,
    minVersion: '5.1',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '0.0',
  },
  {
    id: LOCATION_IDS.attachments,
    area: 'wit',
    resourceName: 'attachments',
    routeTemplate: '{project}/_apis/{area}/{resource}/{id}',
    resourceVersion: 3,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.workItemsBatch,
    area: 'wit',
    resourceName: 'workItemsBatch',
    routeTemplate: '{project}/_apis/{area}/{resource}',
    resourceVersion: 1,
    minVersion: '4.1',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
  {
    id: LOCATION_IDS.updates,
    area: 'wit',
    resourceName: 'updates',
    routeTemplate: '{project}/_apis/{area}/workItems/{id}/{resource}/{updateNumber}',
    resourceVersion: 4,
    minVersion: '1.0',
    maxVersion: MAX_API_VERSION,
    releasedVersion: '7.1',
  },
];

/** Locations of one area, matched case-insensitively like the service does; undefined for an unknown area. */
export function locationsOfArea(area: string): ApiResourceLocation[] | undefined {
  const found = LOCATIONS.filter((l) => l.area.toLowerCase() === area.toLowerCase());
  return found.length > 0 ? found : undefined;
}

export function locationById(id: string): ApiResourceLocation {
  const found = LOCATIONS.find((l) => l.id === id);
  if (!found) throw new Error(`unknown location ${id}`);
  return found;
}

/** `ResourceAreaInfo` records; `locationUrl` is the organization URL (everything is served from one host). */
export function resourceAreas(orgUrl: string): Array<{ id: string; name: string; locationUrl: string }> {
  const locationUrl = orgUrl.endsWith('/') ? orgUrl : `${orgUrl}/`;
  return [
    { id: AREA_IDS.location, name: 'Location', locationUrl },
    { id: AREA_IDS.core, name: 'core', locationUrl },
    { id: AREA_IDS.wit, name: 'wit', locationUrl },
  ];
}
