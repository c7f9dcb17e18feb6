"""``nf.keras.layers``: Keras 3's layers, ``Input``, ``InputSpec`` and layer (de)serialization."""

from . import serialization
from .activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import Attention, MultiHeadAttention
from .convolutional import (Conv1D, Conv2D, Conv2DTranspose, Convolution1D, Convolution2D,
                            DepthwiseConv2D, SeparableConv2D)
from .core import Activation, Dense, Dropout, Embedding, Identity, Lambda, Masking
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .layer import Layer
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,
                      average, concatenate, dot, maximum, minimum, multiply, subtract)
from .node import KerasTensor
from .normalization import BatchNormalization, LayerNormalization, UnitNormalization
from .pooling import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D,
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAvgPool1D,
                      GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D,
                      GlobalMaxPooling2D, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D)
from .preprocessing import Normalization, Rescaling
from .regularization import (ActivityRegularization, GaussianDropout, GaussianNoise,
                             SpatialDropout1D, SpatialDropout2D)
from .reshaping import (Cropping1D, Cropping2D, Flatten, Permute, RepeatVector, Reshape,
                        UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell
from .serialization import deserialize, get, serialize
from .symbolic_ops import SymbolicOp
from .wrappers import Bidirectional, TimeDistributed

serialization.register(
    Layer, InputLayer, Dense, Activation, Dropout, Embedding, Identity, Lambda, Masking, ELU,
    LeakyReLU, PReLU, ReLU, Softmax, Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D,
    SeparableConv2D, Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract,
    BatchNormalization, LayerNormalization, AveragePooling1D, AveragePooling2D,
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
    MaxPooling1D, MaxPooling2D, Cropping1D, Cropping2D, Flatten, Permute, RepeatVector,
    Reshape, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D, Normalization, Rescaling,
    GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell, Bidirectional, TimeDistributed,
    SymbolicOp, Attention, MultiHeadAttention, ActivityRegularization, GaussianDropout,
    GaussianNoise, SpatialDropout1D, SpatialDropout2D, UnitNormalization)

_MODULES = ("activation", "attention", "layer_utils", "regularization", "convolutional", "core",
            "input_layer", "input_spec", "layer", "merging", "node", "normalization", "pooling",
            "preprocessing", "reshaping", "rnn", "symbolic_ops", "wrappers")
__all__ = [name for name in dir() if not name.startswith("_") and name not in _MODULES]
