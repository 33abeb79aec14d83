namespace Axolotl.ApiServer.Tests.Printing;

public class StoragePrinterTests
{
    [Fact]
    public void A_bound_claim_prints_its_volume_capacity_and_modes_from_status()
    {
        var claim = Printed.Of("", "PersistentVolumeClaim", """
            {"metadata":{"name":"data","creationTimestamp":"2025-01-01T11:59:00Z"},
             "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"volumeName":"pvc-1","storageClassName":"local-path","volumeMode":"Filesystem"},
             "status":{"phase":"Bound","accessModes":["ReadWriteMany","ReadWriteOnce","ReadWriteOnce"],"capacity":{"storage":"2048Mi"}}}
            """);

        Assert.Equal(("Bound", "pvc-1", "2Gi", "RWO,RWX", "local-path", "<unset>", "60s", "Filesystem"),
            (claim["Status"], claim["Volume"], claim["Capacity"], claim["Access Modes"], claim["StorageClass"], claim["VolumeAttributesClass"], claim["Age"], claim["VolumeMode"]));
    }

    [Fact]
    public void A_pending_claim_shows_no_capacity_and_a_deleting_one_is_Terminating()
    {
        var pending = Printed.Of("", "PersistentVolumeClaim", """
            {"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}},"status":{"phase":"Pending"}}
            """);
        Assert.Equal(("Pending", "", "", ""), (pending["Status"], pending["Volume"], pending["Capacity"], pending["Access Modes"]));

        var deleting = Printed.Of("", "PersistentVolumeClaim", """
            {"metadata":{"name":"data","deletionTimestamp":"2025-01-01T12:00:00Z"},"spec":{"volumeName":"v"},"status":{"phase":"Bound"}}
            """);
        Assert.Equal("Terminating", deleting["Status"]);
    }

    [Fact]
    public void A_volume_prints_its_claim_as_namespace_slash_name_and_its_policy()
    {
        var volume = Printed.Of("", "PersistentVolume", """
            {"metadata":{"name":"pv1"},"spec":{"capacity":{"storage":"5Gi"},"accessModes":["ReadOnlyMany","ReadWriteOncePod"],
             "persistentVolumeReclaimPolicy":"Retain","claimRef":{"namespace":"shop","name":"db"},"storageClassName":"manual"},
             "status":{"phase":"Released","reason":"Why"}}
            """);

        Assert.Equal(("5Gi", "ROX,RWOP", "Retain", "Released", "shop/db", "manual", "Why"),
            (volume["Capacity"], volume["Access Modes"], volume["Reclaim Policy"], volume["Status"], volume["Claim"], volume["StorageClass"], volume["Reason"]));
    }

    [Fact]
    public void The_default_class_is_marked_and_unset_fields_print_their_defaults()
    {
        var storageClass = Printed.Of("storage.k8s.io", "StorageClass", """
            {"metadata":{"name":"local-path","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"rancher.io/local-path"}
            """);

        Assert.Equal(("local-path (default)", "rancher.io/local-path", "Delete", "Immediate"),
            (storageClass["Name"], storageClass["Provisioner"], storageClass["ReclaimPolicy"], storageClass["VolumeBindingMode"]));
        Assert.False(storageClass.Row.Cells[4]!.GetValue<bool>());
    }
}
