import { buildTaskEnvelope, httpEndpointOf } from './notification-envelope';

describe('IMM notification envelope', () => {
  const task = {
    id: 'IndexFileMeta-1',
    taskType: 'IndexFileMeta',
    status: 'Failed',
    code: 'InvalidImage.Decode',
    message: '1 of 2 files failed',
    startTime: new Date('2026-01-01T00:00:00Z'),
    endTime: new Date('2026-01-01T00:00:05Z'),
    userData: 'u',
    tags: { a: 'b' },
    details: {
      total: 2,
      done: 2,
      failed: 1,
      files: [
        { URI: 'oss://b/1.jpg', Error: '' },
        { URI: 'oss://b/2.jpg', Error: 'InvalidImage.Decode' },
      ],
    },
    eventId: 'E-1',
    requestId: 'R-1',
  };

  it('carries the task outcome and, for indexing tasks, the files', () => {
    const envelope = buildTaskEnvelope(task, { projectName: 'p', datasetName: 'd' }, new Date('2026-01-01T00:00:06Z'));
    expect(envelope).toMatchObject({
      id: 'E-1',
      source: 'acs:imm',
      specversion: '1.0',
      type: 'imm:Task:IndexFileMeta',
      time: '2026-01-01T00:00:06.000Z',
      datacontenttype: 'application/json',
      content: {
        ProjectName: 'p',
        DatasetName: 'd',
        TaskId: 'IndexFileMeta-1',
        Status: 'Failed',
        Code: 'InvalidImage.Decode',
        Message: '1 of 2 files failed',
        StartTime: '2026-01-01T00:00:00.000Z',
        EndTime: '2026-01-01T00:00:05.000Z',
        Files: [
          { URI: 'oss://b/1.jpg', Error: '' },
          { URI: 'oss://b/2.jpg', Error: 'InvalidImage.Decode' },
        ],
      },
    });
    const clustering = buildTaskEnvelope(
      { ...task, taskType: 'FaceClustering', details: {} },
      { projectName: 'p', datasetName: null },
    );
    expect(clustering.type).toBe('imm:Task:FaceClustering');
    expect(clustering.content['Files']).toBeUndefined();
  });

  it('delivers only HTTP(S) endpoints', () => {
    expect(httpEndpointOf({ HTTP: { Endpoint: 'https://hooks.example/x' } })).toBe('https://hooks.example/x');
    expect(httpEndpointOf({ MNS: { TopicName: 't' } })).toBeNull();
    expect(httpEndpointOf({ HTTP: { Endpoint: 'file:///etc/passwd' } })).toBeNull();
    expect(httpEndpointOf(null)).toBeNull();
  });
});
