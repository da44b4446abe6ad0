// A minimal cert-manager controller for kafkaplane's real-node tests, built from the published Go module
// github.com/cert-manager/cert-manager (the upstream cmd/controller is a separate, untagged module the Go module
// proxy does not serve). It runs cert-manager's own controllers — Issuers/ClusterIssuers (SelfSigned, CA),
// Certificates (trigger, key manager, request manager, issuing, readiness, revision manager) and
// CertificateRequests (approver, SelfSigned, CA) — out of cluster with a kubeconfig, the way the upstream binary
// does with --kubeconfig. No ACME, Vault, Venafi, ingress/gateway shims, webhook or leader election.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"golang.org/x/sync/errgroup"

	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

var wanted = map[string]bool{
	"issuers": true, "clusterissuers": true,
	"certificates-trigger": true, "certificates-key-manager": true, "certificates-request-manager": true,
	"certificates-issuing": true, "certificates-readiness": true, "certificates-revision-manager": true,
	"certificaterequests-approver": true, "certificaterequests-issuer-ca": true,
	"certificaterequests-issuer-selfsigned": true,
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster (required)")
	clusterNS := flag.String("cluster-resource-namespace", "cert-manager", "namespace of ClusterIssuer secrets")
	flag.Parse()
	if *kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "kafkaplane-cert-manager: --kubeconfig is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log)
	if err := run(ctx, *kubeconfig, *clusterNS); err != nil {
		fmt.Fprintln(os.Stderr, "kafkaplane-cert-manager:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig, clusterNS string) error {
	factory, err := controller.NewContextFactory(ctx, controller.ContextOptions{
		Kubeconfig:         kubeconfig,
		KubernetesAPIQPS:   50,
		KubernetesAPIBurst: 100,
		IssuerOptions:      controller.IssuerOptions{ClusterResourceNamespace: clusterNS},
	})
	if err != nil {
		return err
	}
	cctx, err := factory.Build()
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	names := []string{}
	for n := range controller.Known() {
		names = append(names, n)
	}
	sort.Strings(names)
	started := 0
	for _, n := range names {
		if !wanted[n] {
			continue
		}
		iface, err := controller.Known()[n](factory)
		if err != nil {
			return fmt.Errorf("controller %s: %w", n, err)
		}
		started++
		fmt.Fprintln(os.Stderr, "kafkaplane-cert-manager: starting controller", n)
		g.Go(func() error { return iface.Run(2, gctx) })
	}
	if started != len(wanted) {
		return fmt.Errorf("started %d controllers, expected %d (a controller name changed upstream?)", started, len(wanted))
	}
	cctx.SharedInformerFactory.Start(gctx.Done())
	cctx.KubeSharedInformerFactory.Start(gctx.Done())
	cctx.HTTP01ResourceMetadataInformersFactory.Start(gctx.Done())
	fmt.Fprintln(os.Stderr, "kafkaplane-cert-manager: ready")
	return g.Wait()
}
