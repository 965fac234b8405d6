// The default stack in TypeScript, through ordinal's component package.
// sdks/ordinal is the SDK generated from the plugin's schema (`pulumi
// package add`, or scripts/stack.sh here), imported from its sources.
import * as pulumi from "@pulumi/pulumi";
import * as ordinal from "./sdks/ordinal";

const config = new pulumi.Config();

const disks = new ordinal.LocalVolumePool("zk-ts-disks", {
    spec: {
        nodes: ["node-0", "node-1", "node-2"],
        path: config.get("diskPath") ?? "/mnt/disks/data",
        capacity: "20Gi",
    },
});

const zk = new ordinal.DatabaseCluster("zk-ts", {
    namespace: config.get("namespace") ?? "default",
    pool: disks,
    engine: {
        zookeeper: {
            replicas: 3,
            image: config.get("image") ?? "localhost/zookeeper:1",
            storageSize: "20Gi",
            heap: "512M",
        },
    },
});

export const podFqdns = zk.podFqdns;
export const clientEndpoints = zk.clientEndpoints;
export const statefulSetName = zk.statefulSetName;
export const serviceName = zk.serviceName;
export const pdbName = zk.pdbName;
export const configChecksum = zk.configChecksum;
export const storageClassName = disks.storageClassName;
export const volumeNames = disks.volumeNames;
