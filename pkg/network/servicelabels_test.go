package network_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// TestServiceLabels: each Service carries the labels of every Service,
// then its own; the selector labels always win.
func TestServiceLabels(t *testing.T) {
	tests := []struct {
		name                 string
		spec                 func(s *network.Spec)
		governing, client    map[string]string // labels expected besides the defaults
		notGovern, notClient []string          // keys that must be absent
	}{
		{name: "none", spec: func(*network.Spec) {}},
		{name: "governing Service only",
			spec:      func(s *network.Spec) { s.ServiceLabels = map[string]string{"app": "zk-headless"} },
			governing: map[string]string{"app": "zk-headless"}, notClient: []string{"app"}},
		{name: "client Service only",
			spec:   func(s *network.Spec) { s.Client.Labels = map[string]string{"app": "zk-cs"} },
			client: map[string]string{"app": "zk-cs"}, notGovern: []string{"app"}},
		{name: "each over the labels of every Service",
			spec: func(s *network.Spec) {
				s.Labels = map[string]string{"app": "zk", "team": "data"}
				s.ServiceLabels = map[string]string{"app": "zk-hs"}
				s.Client.Labels = map[string]string{"app": "zk-cs"}
			},
			governing: map[string]string{"app": "zk-hs", "team": "data"},
			client:    map[string]string{"app": "zk-cs", "team": "data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			s.Client = &network.ClientService{}
			tt.spec(&s)
			p, err := network.New("zk", s)
			require.NoError(t, err)
			for _, c := range []struct {
				labels, want map[string]string
				absent       []string
			}{{p.Service.Labels, tt.governing, tt.notGovern}, {p.ClientService.Labels, tt.client, tt.notClient}} {
				for k, v := range c.want {
					assert.Equal(t, v, c.labels[k], k)
				}
				for _, k := range c.absent {
					assert.NotContains(t, c.labels, k)
				}
				assert.Equal(t, "zk", c.labels[labels.Instance])
				assert.Equal(t, "database", c.labels[labels.Component])
			}
		})
	}
}

// TestServiceLabelsCannotSetTheSelector: the checks refuse the selector's
// keys, and a plan of an unchecked spec keeps the selector's values.
func TestServiceLabelsCannotSetTheSelector(t *testing.T) {
	tests := []struct {
		name string
		spec func(s *network.Spec)
		want []problem
	}{
		{"governing Service", func(s *network.Spec) { s.ServiceLabels = map[string]string{labels.Instance: "other"} },
			[]problem{{"spec.serviceLabels[app.kubernetes.io/instance]", "is in the Services' selector, which sets it; remove it"}}},
		{"client Service", func(s *network.Spec) { s.Client.Labels = map[string]string{labels.Component: "cache"} },
			[]problem{{"spec.client.labels[app.kubernetes.io/component]", "is in the Services' selector"}}},
		{"a selector of the user's", func(s *network.Spec) {
			s.Selector = map[string]string{"app": "zk"}
			s.ServiceLabels = map[string]string{"app": "zk-headless"}
		}, []problem{{"spec.serviceLabels[app]", "use another key"}}},
		{"an invalid label", func(s *network.Spec) { s.ServiceLabels = map[string]string{"app": "zk headless"} },
			[]problem{{"spec.serviceLabels[app]", "label value"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			s.Client = &network.ClientService{}
			tt.spec(&s)
			_, err := network.New("zk", s)
			validationtest.Assert(t, err, network.Kind, tt.want)

			p := network.Unchecked("zk", s)
			for k, v := range p.Spec.Selector {
				assert.Equal(t, v, p.Service.Labels[k], "governing Service: %s", k)
				assert.Equal(t, v, p.ClientService.Labels[k], "client Service: %s", k)
			}
		})
	}
}
